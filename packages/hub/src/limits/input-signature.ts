import { minhash, tensorShingles } from "./minhash.js";

/**
 * The MinHash signature of an inference request's inputs (OIP's JSON tensors,
 * flat or nested `data`), or null when they hold no data to compare.
 */
export function inputSignature(inputs: readonly unknown[]): Uint32Array | null {
  const shingles: number[] = [];
  inputs.forEach((input, tensor) => {
    const data = (input as { data?: unknown } | null)?.data;
    if (Array.isArray(data)) {
      shingles.push(...tensorShingles(tensor, data.flat(Infinity) as unknown[]));
    }
  });
  return shingles.length === 0 ? null : minhash(shingles);
}
