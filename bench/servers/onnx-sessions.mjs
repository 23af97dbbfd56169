// Baseline for the serving-memory figure: one bare Fastify process holding an onnxruntime-node
// session of each model file it is given, on its own thread, answering `POST /infer/{i}` for the
// i-th file in the OIP JSON shape: the least a process serving those models must hold.
import { Fastify, inferOip, listen, openSession } from "./bare-onnx.mjs";

const sessions = [];
for (const file of process.argv.slice(2)) {
  sessions.push(await openSession(file));
}
const app = Fastify({ logger: false });
app.post("/infer/:i", async (request, reply) => {
  const session = sessions[Number(request.params.i)];
  if (session === undefined) {
    return reply.status(404).send({ error: "no such model" });
  }
  return inferOip(session, request.body);
});
await listen(app);
