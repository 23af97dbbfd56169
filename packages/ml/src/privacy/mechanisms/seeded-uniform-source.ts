import { createRng } from "../../random/seeded.js";
import type { UniformSource } from "./uniform-source.js";

/**
 * A reproducible {@link UniformSource}: the same seed gives the same stream of
 * 53-bit uniforms (two 32-bit words of {@link createRng} each), so a mechanism
 * given it returns the same noise on every run.
 *
 * For tests and reproducible research only. Anyone who knows or guesses the
 * seed can compute the noise and subtract it, so a release made with this source
 * has no differential-privacy guarantee at all; production calls must leave the
 * source out and get the default, `secureUniformSource`.
 *
 * @example
 * const source = seededUniformSource(7);
 * const a = laplaceMechanism(10, { sensitivity: 1, epsilon: 1 }, source);
 */
export function seededUniformSource(seed: number): UniformSource {
  const rng = createRng(seed);
  // next() is a 32-bit word divided by 2^32, so multiplying back is exact.
  const bits53 = (): number => {
    const high = (rng.next() * 2 ** 32) >>> 11;
    const low = rng.next() * 2 ** 32;
    return high * 2 ** 32 + low;
  };
  return {
    uniform: () => bits53() / 2 ** 53,
    uniformPositive: () => {
      for (;;) {
        const bits = bits53();
        if (bits !== 0) {
          return bits / 2 ** 53;
        }
      }
    },
  };
}
