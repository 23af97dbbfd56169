export { DEFAULT_RDP_ORDERS } from "./default-orders.js";
export type { SampledGaussianSteps } from "./validate.js";
export { computeRdp } from "./compute-rdp.js";
export { rdpToEpsilon, type PrivacySpent } from "./rdp-to-epsilon.js";
export { privacySpent, type PrivacySpentOptions } from "./privacy-spent.js";
export { RdpAccountant } from "./rdp-accountant.js";
export {
  MAX_NOISE_MULTIPLIER,
  noiseMultiplierFor,
  type NoiseMultiplierOptions,
  type NoiseMultiplierResult,
} from "./noise-multiplier-for.js";
