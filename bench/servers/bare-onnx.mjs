// What the bare baselines share: the Fastify and onnxruntime-node the hub itself runs on, a
// session on its own thread, a route's OIP JSON answer, and listening as the bench expects.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(new URL("../../packages/hub/package.json", import.meta.url));
export const { default: Fastify } = await import(pathToFileURL(require.resolve("fastify")).href);
const { InferenceSession, Tensor } = await import(
  pathToFileURL(require.resolve("onnxruntime-node")).href
);

export function openSession(file) {
  return InferenceSession.create(file, { intraOpNumThreads: 1 });
}

/** Runs the session on an OIP request's first input, named `features`, and answers in OIP JSON. */
export async function inferOip(session, body) {
  const input = body.inputs[0];
  const features = new Tensor("float32", Float32Array.from(input.data.flat()), input.shape);
  const out = await session.run({ features });
  return {
    id: body.id,
    outputs: Object.entries(out).map(([name, t]) => ({
      name,
      datatype: t.type === "int64" ? "INT64" : "FP32",
      shape: t.dims,
      data: Array.from(t.data, Number),
    })),
  };
}

/** Listens on a free port, prints where, and stops on SIGTERM. */
export async function listen(app) {
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  process.stdout.write(`listening on ${address}\n`);
  process.once("SIGTERM", () => {
    app.close().then(() => process.exit(0));
  });
}
