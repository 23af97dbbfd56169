// Baseline for the OIP figure: a bare Fastify route that runs onnxruntime-node on its own
// thread, as an application embedding the runtime would, and answers in the OIP JSON shape.
import { Fastify, inferOip, listen, openSession } from "./bare-onnx.mjs";

const session = await openSession(process.argv[2]);
const app = Fastify({ logger: false });
app.post("/infer", async (request) => ({
  model_name: "iris",
  ...(await inferOip(session, request.body)),
}));
await listen(app);
