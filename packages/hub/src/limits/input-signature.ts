import { binaryTensorShingles } from "./binary-tensor-shingles.js";
import { minhash, tensorShingles } from "./minhash.js";

/** An input of an OIP request as the signature reads it: nothing about it is trusted. */
interface InputLike {
  readonly datatype?: unknown;
  readonly data?: unknown;
  readonly parameters?: { readonly binary_data_size?: unknown } | null;
}

/**
 * The MinHash signature of an inference request's inputs, or null when they
 * hold no data to compare: OIP's JSON tensors (flat or nested `data`), and
 * the tensors of the binary tensor extension, whose bytes follow the JSON in
 * `tensorBytes`, each input with `parameters.binary_data_size` taking its
 * size in order. The same values sent either way give the same signature.
 * A size that is not a whole number of bytes leaves that input and the
 * binary ones after it unsigned, as where they start is unknown.
 *
 * @example
 * inputSignature([{ name: "x", datatype: "FP32", shape: [2], data: [1, 2] }]);
 * inputSignature(
 *   [{ name: "x", datatype: "FP32", shape: [2], parameters: { binary_data_size: 8 } }],
 *   Buffer.from(new Float32Array([1, 2]).buffer),
 * ); // the same signature
 */
export function inputSignature(
  inputs: readonly unknown[],
  tensorBytes: Uint8Array | null = null,
): Uint32Array | null {
  const bytes = tensorBytes ?? new Uint8Array(0);
  const shingles: number[] = [];
  let offset = 0;
  inputs.forEach((value, tensor) => {
    const input = (typeof value === "object" ? value : null) as InputLike | null;
    const size = input?.parameters?.binary_data_size;
    const sized = typeof size === "number" && Number.isSafeInteger(size) && size >= 0;
    if (Array.isArray(input?.data)) {
      shingles.push(...tensorShingles(tensor, input.data.flat(Infinity) as unknown[]));
    } else if (sized) {
      const own = bytes.subarray(offset, offset + size);
      shingles.push(...binaryTensorShingles(tensor, input?.datatype, own));
    }
    if (size !== undefined) {
      offset = sized ? offset + size : Infinity;
    }
  });
  return shingles.length === 0 ? null : minhash(shingles);
}
