// Baseline for the serving-memory figure: one bare Fastify process holding an onnxruntime-node
// session of each model file it is given, on its own thread, answering `POST /infer/{i}` for the
// i-th file in the OIP JSON shape: the least a process serving those models must hold.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// The Fastify and onnxruntime-node the hub itself runs on.
const require = createRequire(new URL("../../packages/hub/package.json", import.meta.url));
const { default: Fastify } = await import(pathToFileURL(require.resolve("fastify")).href);
const { InferenceSession, Tensor } = await import(
  pathToFileURL(require.resolve("onnxruntime-node")).href
);

const sessions = [];
for (const file of process.argv.slice(2)) {
  sessions.push(await InferenceSession.create(file, { intraOpNumThreads: 1 }));
}
const app = Fastify({ logger: false });
app.post("/infer/:i", async (request, reply) => {
  const session = sessions[Number(request.params.i)];
  if (session === undefined) {
    return reply.status(404).send({ error: "no such model" });
  }
  const input = request.body.inputs[0];
  const features = new Tensor("float32", Float32Array.from(input.data.flat()), input.shape);
  const out = await session.run({ features });
  return {
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
