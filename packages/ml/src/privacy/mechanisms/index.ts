export {
  PrivacyParameterError,
  checkDelta,
  checkEpsilon,
  checkSensitivity,
} from "./privacy-parameter-error.js";
export { secureUniform, secureUniformPositive } from "./secure-uniform.js";
export { secureUniformSource, type UniformSource } from "./uniform-source.js";
export { seededUniformSource } from "./seeded-uniform-source.js";
export { erfc, logErfc, normalCdf, logNormalCdf } from "./special-functions.js";
export { outputGranularity } from "./lattice.js";
export {
  laplaceMechanism,
  laplaceNoise,
  laplaceScale,
  type LaplaceOptions,
} from "./laplace-mechanism.js";
export { classicGaussianSigma, type GaussianOptions } from "./classic-gaussian-sigma.js";
export { analyticGaussianSigma } from "./analytic-gaussian-sigma.js";
export {
  gaussianMechanism,
  gaussianNoise,
  gaussianSigma,
  type GaussianMechanismOptions,
} from "./gaussian-mechanism.js";
export {
  exponentialMechanism,
  exponentialMechanismProbabilities,
  type ExponentialOptions,
} from "./exponential-mechanism.js";
export {
  estimateRandomisedResponseFrequencies,
  kAryRandomisedResponse,
  randomisedResponse,
  randomisedResponseKeepProbability,
} from "./randomised-response.js";
