import * as tf from "@tensorflow/tfjs";

/** What the kernel needs of the wasm backend, which tfjs types as `{}` in a kernel. */
interface BackendStorage {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId;
}

/**
 * Adds the `UnsortedSegmentSum` kernel to the wasm backend, which tfjs 4.22 lacks:
 * the gradient of `gather`, so of every embedding layer, calls it, and training a
 * text model on wasm otherwise fails with "Kernel 'UnsortedSegmentSum' not
 * registered". Sums in row order, so the result does not vary between runs.
 */
export function registerSegmentSum(): void {
  if (tf.getKernelsForBackend("wasm").some((k) => k.kernelName === "UnsortedSegmentSum")) {
    return;
  }
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const storage = backend as BackendStorage;
      const { x, segmentIds } = inputs;
      const numSegments = Number(attrs?.numSegments);
      if (x === undefined || segmentIds === undefined) {
        throw new Error("UnsortedSegmentSum needs inputs x and segmentIds");
      }
      const values = storage.readSync(x.dataId) as Float32Array | Int32Array;
      const ids = storage.readSync(segmentIds.dataId) as Int32Array;
      const segments = ids.length;
      const inner = segments === 0 ? 0 : values.length / segments;
      // Float64 accumulators, rounded once when stored.
      const sums = new Float64Array(numSegments * inner);
      for (let s = 0; s < segments; s++) {
        const id = ids[s] ?? -1;
        // TensorFlow drops negative ids and, on CPU, rejects ids past the end.
        if (id < 0) {
          continue;
        }
        if (id >= numSegments) {
          throw new Error(`segment id ${id} is not below numSegments ${numSegments}`);
        }
        for (let k = 0; k < inner; k++) {
          sums[id * inner + k] = (sums[id * inner + k] ?? 0) + (values[s * inner + k] ?? 0);
        }
      }
      const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      const out = x.dtype === "int32" ? Int32Array.from(sums) : Float32Array.from(sums);
      return { dataId: storage.write(out, shape, x.dtype), shape, dtype: x.dtype };
    },
  });
}
