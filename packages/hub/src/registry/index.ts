export { newRegistryCaches, type RegistryCaches } from "./caches.js";
export { MAX_CARD_DEPTH, MAX_CARD_VALUES } from "./card-yaml.js";
export {
  MAX_CARD_BYTES,
  MAX_FRONT_MATTER_BYTES,
  RISK_TIERS,
  cardText,
  parseModelCard,
  type CardData,
} from "./model-card.js";
export { isPublicStage } from "./hf-shapes.js";
export {
  loadModel,
  repoNotFound,
  seesVersion,
  versionResource,
  type ModelRecord,
  type VersionAccess,
} from "./load-model.js";
export {
  resolveVersion,
  type GateHooks,
  type PublishHooks,
  type ResolvedVersion,
  type VersionRecord,
} from "./versions.js";
export {
  EU_COUNTRIES,
  GATE_FIELD_TYPES,
  MAU_FIELD,
  countryName,
  hubGatedValue,
  isCountryCode,
  readGate,
  type GateConfig,
  type GateField,
} from "./gate-config.js";
export { needsModeration, useChecksOf, type CheckedText, type UseCheck } from "./use-checks.js";
