export { policyFiles } from "./policy-files.js";
export {
  DEFAULT_POLICY_FILE,
  loadPolicies,
  PolicyLoadError,
  type PolicySet,
} from "./load-policy.js";
export { evaluatePolicy, type PolicyDecision, type RuleResult } from "./evaluate-policy.js";
export { runDueTransitions, startScheduler } from "./scheduler.js";
export {
  checkCardForPublication,
  enterInitialStage,
  requestTransition,
  type InitialStageOutcome,
  type TransitionView,
} from "./transitions.js";
export type { PolicyInput, LicenceFacts, RiskTier } from "./policy-input.js";
export { licenceText, resolveLicence } from "./licences/index.js";
export { checkExpression } from "./check-expression.js";
export { BOOL, DOUBLE, INT, STRING, DYN, listOf, nullable, type CelShape } from "./cel-types.js";
