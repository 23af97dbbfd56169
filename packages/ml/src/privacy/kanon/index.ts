export { KAnonymityError } from "./kanon-error.js";
export {
  checkKAnonymity,
  equivalenceClasses,
  type KAnonymityOptions,
  type KAnonymityReport,
} from "./check-k-anonymity.js";
export {
  mondrian,
  type InformationLoss,
  type MondrianOptions,
  type MondrianResult,
  type QuasiIdentifierKind,
} from "./mondrian.js";
export { buildHierarchy, type Hierarchy, type HierarchyLines } from "./hierarchy.js";
