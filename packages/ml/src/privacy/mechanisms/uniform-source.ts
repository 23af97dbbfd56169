import { secureUniform, secureUniformPositive } from "./secure-uniform.js";

/**
 * Where a mechanism takes its uniform random numbers from. Every mechanism
 * defaults to {@link secureUniformSource}: the DP guarantee assumes noise that
 * nobody can predict, which only that default gives. A seeded source
 * (`seededUniformSource`) is for tests and reproducible research only; it voids
 * that assumption.
 */
export interface UniformSource {
  /** A uniform double in [0, 1). */
  readonly uniform: () => number;
  /** A uniform double in (0, 1), never 0, for samplers that take its logarithm. */
  readonly uniformPositive: () => number;
}

/** The default source: 53-bit uniforms from node:crypto ({@link secureUniform}). */
export const secureUniformSource: UniformSource = Object.freeze({
  uniform: secureUniform,
  uniformPositive: secureUniformPositive,
});
