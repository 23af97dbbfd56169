/**
 * MinHash signatures (Broder, "On the resemblance and containment of
 * documents", 1997): for sets of 32-bit shingle hashes, the fraction of
 * positions where two signatures agree estimates the Jaccard similarity of the
 * sets, with a standard error of about sqrt(J(1-J)/k) for k positions. Any set
 * can be fed: a tensor's quantised values with their positions
 * (`tensorShingles`, `binaryTensorShingles`), or a text's character shingles
 * hashed with `hashText` (`textShingles`).
 */

/** Positions in a signature: 64 give a standard error under 0.0625. */
export const MINHASH_SIZE = 64;

/** The most tensor elements one signature reads; larger inputs are sampled at an even stride. */
export const MAX_SHINGLED_ELEMENTS = 4096;

/** The murmur3 32-bit finaliser: a cheap mix where every input bit reaches every output bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One seed per position, fixed so that signatures made by any hub process compare. */
const SEEDS = Uint32Array.from({ length: MINHASH_SIZE }, (_, i) =>
  mix32(Math.imul(i + 1, 0x9e3779b1)),
);

/** The FNV-1a hash of a string's UTF-16 code units, as a shingle. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/**
 * The signature of a set of shingle hashes: per position, the least value of
 * that position's hash function over the set. Repeated shingles change nothing.
 */
export function minhash(shingles: Iterable<number>): Uint32Array {
  const signature = new Uint32Array(MINHASH_SIZE).fill(0xffffffff);
  for (const shingle of shingles) {
    for (let i = 0; i < MINHASH_SIZE; i += 1) {
      const h = mix32(shingle ^ (SEEDS[i] ?? 0));
      if (h < (signature[i] ?? 0)) {
        signature[i] = h;
      }
    }
  }
  return signature;
}

/** The MinHash estimate of the Jaccard similarity of the two sets behind `a` and `b`. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < MINHASH_SIZE; i += 1) {
    if (a[i] === b[i]) {
      same += 1;
    }
  }
  return same / MINHASH_SIZE;
}

const FLOAT = new Float32Array(1);
const BITS = new Uint32Array(FLOAT.buffer);

/**
 * A number rounded to its float32 sign, exponent and top 4 mantissa bits: a
 * relative step of 1/16 whatever the scale, so values a few percent apart
 * usually share a shingle.
 */
export function quantise(value: number): number {
  FLOAT[0] = value;
  return (BITS[0] ?? 0) >>> 19;
}

/**
 * The number a JSON tensor element stands for in its shingle: a number
 * quantised, a boolean as 0 or 1, anything else (a BYTES element) its text
 * hashed whole.
 */
export function elementValue(v: unknown): number {
  return typeof v === "number"
    ? quantise(v)
    : typeof v === "boolean"
      ? Number(v)
      : hashText(String(v));
}

/**
 * The shingles of a tensor of `count` elements whose i-th element's value (as
 * `elementValue` makes it) is `valueAt(i)`: one per element, its position
 * (within the tensor `tensor` of the request) and its value. A tensor of more
 * than MAX_SHINGLED_ELEMENTS elements is read at an even stride, so
 * equal-shaped inputs are sampled alike and `valueAt` is asked at most that
 * many times, whatever the tensor's size.
 */
export function sampledShingles(
  tensor: number,
  count: number,
  valueAt: (i: number) => number,
): number[] {
  const stride = Math.max(1, Math.ceil(count / MAX_SHINGLED_ELEMENTS));
  const out: number[] = [];
  for (let i = 0; i < count; i += stride) {
    out.push(mix32(Math.imul(tensor + 1, 0x27d4eb2d) ^ Math.imul(i, 0x9e3779b1)) ^ valueAt(i));
  }
  return out;
}

/**
 * The shingles of a tensor given as JSON values: `sampledShingles` over them.
 * The binary form of the same tensor gives the same shingles
 * (`binaryTensorShingles`).
 */
export function tensorShingles(tensor: number, values: readonly unknown[]): number[] {
  return sampledShingles(tensor, values.length, (i) => elementValue(values[i]));
}
