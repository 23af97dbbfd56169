// Baseline for the OIP figure: a bare Fastify route that runs onnxruntime-node on its own
// thread, as an application embedding the runtime would, and answers in the OIP JSON shape.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// The Fastify and onnxruntime-node the hub itself runs on.
const require = createRequire(new URL("../../packages/hub/package.json", import.meta.url));
const { default: Fastify } = await import(pathToFileURL(require.resolve("fastify")).href);
const { InferenceSession, Tensor } = await import(
  pathToFileURL(require.resolve("onnxruntime-node")).href
);

const session = await InferenceSession.create(process.argv[2], { intraOpNumThreads: 1 });
const app = Fastify({ logger: false });
app.post("/infer", async (request) => {
  const input = request.body.inputs[0];
  const features = new Tensor("float32", Float32Array.from(input.data.flat()), input.shape);
  const out = await session.run({ features });
  return {
    model_name: "iris",
    id: request.body.id,
    outputs: Object.entries(out).map(([name, t]) => ({
      name,
      datatype: t.type === "int64" ? "INT64" : "FP32",
      shape: t.dims,
      data: Array.from(t.data, Number),
    })),
  };
});

const address = await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`listening on ${address}\n`);
process.once("SIGTERM", () => {
  app.close().then(() => process.exit(0));
});
