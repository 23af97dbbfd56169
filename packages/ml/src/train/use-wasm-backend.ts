import * as tf from "@tensorflow/tfjs";
import { setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { registerSegmentSum } from "./register-segment-sum.js";

let ready: Promise<void> | undefined;

/**
 * Makes tfjs run on its WebAssembly backend, once per process; later calls return
 * the same promise. Every trainer calls it, so callers only need it to pick the
 * backend before using tfjs themselves.
 *
 * - One thread: a multi-threaded reduction may sum in a different order from run
 *   to run, which would break bit-identical training for a seed. (tfjs 4.22 does
 *   not start wasm threads under Node anyway; this keeps it so if that changes.)
 * - Production mode: tfjs otherwise prints a "Hi, looks like you are running
 *   TensorFlow.js in Node.js" banner through its debug warnings the first time the
 *   CPU backend holds data, and runs extra per-op checks.
 * - It adds the one kernel the wasm backend misses for training embeddings
 *   (see `registerSegmentSum`).
 */
export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    setThreadsCount(1);
    registerSegmentSum();
    const ok = await tf.setBackend("wasm");
    if (!ok) {
      throw new Error("the tfjs wasm backend failed to initialise");
    }
    await tf.ready();
  })();
  return ready;
}
