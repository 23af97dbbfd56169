/**
 * The licence catalogue (SPDX licences and the model licences Hugging Face
 * cards name) and the lineage check of a version against its bases' licences.
 * Pure code: no HTTP, no database; the texts are files shipped with the package.
 */
export { licenceText } from "./catalogue.js";
export { catalogueKeys } from "./catalogue.js";
export type { LicenceText } from "./licence-text.js";
export { MODEL_LICENCES, type CatalogueEntry } from "./model-licences.js";
export { SPDX_IDS } from "./spdx-licences.js";
export { resolveLicence, type LicenceResolution } from "./resolve-licence.js";
export { combineLicences } from "./combine-licences.js";
export { suggestIds } from "./suggest-ids.js";
export {
  BASE_MODEL_RELATIONS,
  parseBaseModels,
  type BaseModelRef,
  type BaseModelRelation,
  type BaseModelsResult,
} from "./parse-base-models.js";
export {
  LINEAGE_RULES,
  checkLineage,
  hasNamePrefix,
  type LineageBase,
  type LineageChild,
  type LineageRule,
} from "./check-lineage.js";
export {
  CREATIVEML_OPENRAIL_M_RESTRICTIONS,
  GEMMA_PUP_RESTRICTIONS,
  LLAMA_AUP_RESTRICTIONS,
  OPENRAIL_M_RESTRICTIONS,
} from "./use-restrictions.js";
