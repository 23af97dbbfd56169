/**
 * A worker thread holding one onnxruntime session. onnxruntime-node's `run`
 * blocks the thread it is called on (serving.md §4), so each served version's
 * sessions live here, away from the event loop that answers HTTP.
 *
 * Protocol: after start it posts `{ kind: "ready", signature }` or
 * `{ kind: "failed", message }`; then for each `{ kind: "run", id, feeds, outputs }`
 * it posts `{ kind: "result", id, outputs }` or `{ kind: "error", id, message }`,
 * until `{ kind: "stop" }` makes it release its session and end.
 */
import { parentPort, workerData } from "node:worker_threads";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { transferables } from "./batch-calls.js";
import {
  OIP_TO_ORT,
  oipDatatypeOf,
  type ModelSignature,
  type TensorSpec,
  type WireTensor,
} from "./tensor-types.js";

export interface WorkerStart {
  readonly modelPath: string;
  readonly intraOpThreads: number;
}

export interface RunRequest {
  readonly kind: "run";
  readonly id: number;
  readonly feeds: Readonly<Record<string, WireTensor>>;
  readonly outputs: readonly string[];
}

/**
 * Asks a worker to end once its run is done. A thread cannot be terminated
 * while onnxruntime runs on it: the binding's answer then meets a stopping
 * JavaScript engine and aborts the whole process.
 */
export interface StopRequest {
  readonly kind: "stop";
}

export type WorkerMessage =
  | { readonly kind: "ready"; readonly signature: ModelSignature }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "result"; readonly id: number; readonly outputs: Record<string, WireTensor> }
  | { readonly kind: "error"; readonly id: number; readonly message: string };

function specsOf(
  metadata: readonly InferenceSession.ValueMetadata[],
  role: "input" | "output",
): TensorSpec[] {
  return metadata.map((m) => {
    const datatype = m.isTensor ? oipDatatypeOf(m.type) : null;
    if (!m.isTensor || datatype === null) {
      throw new Error(
        `${role} "${m.name}" is not a tensor of a type the Open Inference Protocol carries`,
      );
    }
    return {
      name: m.name,
      datatype,
      // A symbolic dimension ("N") or one left open takes any size: -1 in OIP metadata.
      shape: m.shape.map((d) => (typeof d === "number" && d >= 0 ? d : -1)),
    };
  });
}

/**
 * One run with zeros of the declared shapes, a batch of one where a dimension
 * is open, so that the first real call does not pay for onnxruntime's lazy
 * allocations. Skipped when an input cannot be made (strings, no shape).
 */
async function warmUp(session: InferenceSession, signature: ModelSignature): Promise<void> {
  const feeds: Record<string, Tensor> = {};
  for (const input of signature.inputs) {
    if (input.datatype === "BYTES" || input.datatype === "FP16" || input.shape.length === 0) {
      return;
    }
    const dims = input.shape.map((d) => (d < 0 ? 1 : d));
    const size = dims.reduce((a, b) => a * b, 1);
    const type = OIP_TO_ORT[input.datatype];
    feeds[input.name] = new Tensor(type, zeros(type, size) as Uint8Array, dims);
  }
  await session.run(feeds);
}

function zeros(type: string, size: number) {
  switch (type) {
    case "int64":
      return new BigInt64Array(size);
    case "uint64":
      return new BigUint64Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "uint32":
      return new Uint32Array(size);
    case "int16":
      return new Int16Array(size);
    case "uint16":
      return new Uint16Array(size);
    case "int8":
      return new Int8Array(size);
    case "float32":
      return new Float32Array(size);
    default:
      return new Uint8Array(size);
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) {
    throw new Error("onnx-worker runs as a worker thread");
  }
  const start = workerData as WorkerStart;
  let session: InferenceSession;
  let signature: ModelSignature;
  try {
    session = await InferenceSession.create(start.modelPath, {
      executionProviders: ["cpu"],
      intraOpNumThreads: start.intraOpThreads,
      // One session per thread already runs in parallel; a pool inside each would oversubscribe the cores.
      interOpNumThreads: 1,
    });
    signature = {
      inputs: specsOf(session.inputMetadata, "input"),
      outputs: specsOf(session.outputMetadata, "output"),
    };
  } catch (err) {
    port.postMessage({ kind: "failed", message: (err as Error).message } satisfies WorkerMessage);
    return;
  }
  try {
    await warmUp(session, signature);
  } catch {
    // A model whose open dimensions cannot all be 1 still serves; only its first call is slower.
  }
  let running: Promise<void> = Promise.resolve();
  port.on("message", (request: RunRequest | StopRequest) => {
    if (request.kind === "stop") {
      void running.then(async () => {
        await session.release();
        // Nothing left to wait for: the thread ends once its port is closed.
        port.close();
      });
      return;
    }
    running = run(session, request).then((message) => {
      // The outputs were made for this answer alone: their buffers move instead of being copied.
      port.postMessage(message, message.kind === "result" ? transferables(message.outputs) : []);
    });
  });
  port.postMessage({ kind: "ready", signature } satisfies WorkerMessage);
}

async function run(session: InferenceSession, request: RunRequest): Promise<WorkerMessage> {
  try {
    const feeds: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(request.feeds)) {
      feeds[name] = new Tensor(t.type, t.data, t.dims);
    }
    const results = await session.run(feeds, [...request.outputs]);
    const outputs: Record<string, WireTensor> = {};
    for (const [name, value] of Object.entries(results)) {
      outputs[name] = {
        type: value.type as WireTensor["type"],
        dims: value.dims,
        data: value.data,
      };
    }
    return { kind: "result", id: request.id, outputs };
  } catch (err) {
    return { kind: "error", id: request.id, message: (err as Error).message };
  }
}

await main();
