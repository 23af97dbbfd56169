import { randomBytes } from "node:crypto";

const POOL_BYTES = 8192;
let pool = Buffer.alloc(0);
let offset = POOL_BYTES;

function next53Bits(): number {
  if (offset + 8 > pool.length) {
    // Drawing in blocks keeps the cost of the kernel CSPRNG off the per-sample path.
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const high = pool.readUInt32BE(offset) >>> 11;
  const low = pool.readUInt32BE(offset + 4);
  offset += 8;
  return high * 0x1_0000_0000 + low;
}

/**
 * A uniform double in [0, 1) with 53 random bits from node:crypto: every multiple
 * of 2^-53 in the interval is equally likely.
 */
export function secureUniform(): number {
  return next53Bits() / 2 ** 53;
}

/**
 * A uniform double in (0, 1): like {@link secureUniform} but never 0, for the
 * samplers that take its logarithm. The smallest value is 2^-53.
 */
export function secureUniformPositive(): number {
  for (;;) {
    const bits = next53Bits();
    if (bits !== 0) {
      return bits / 2 ** 53;
    }
  }
}
