export { holdsGrant, licenceRefusal } from "./grants.js";
export { checkGateRule } from "./check-gate-rule.js";
export type { AcceptanceView } from "./acceptances.js";
export type { GrantView } from "./grants.js";
export type { RequestView } from "./requests.js";
export type { GateForm } from "./gate-form.js";
export type { MyModelAccess } from "./my-model-access.js";
