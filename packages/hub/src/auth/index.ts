export { ANONYMOUS, SCOPES, actorIdOf, hasScope, type Actor, type Scope } from "./actor.js";
export { authenticate, presentedTokenDigest } from "./authenticate.js";
export { authorize, type Decision, type ProtectedResource } from "./authorize.js";
export { allowedFilter, type VersionColumns } from "./allowed-filter.js";
export {
  ORG_ROLES,
  createOrg,
  createUser,
  findNamespace,
  listMembers,
  orgsOf,
  relationFrom,
  relationTo,
  removeMember,
  setMember,
  type Namespace,
  type OrgRole,
} from "./accounts.js";
export { bootstrapAdmin, type BootstrapResult } from "./bootstrap-admin.js";
export { createToken, listTokens, revokeToken, type TokenInfo } from "./manage-tokens.js";
export { PERMISSIONS, seenAs, type Action, type Relation, type Who } from "./permissions.js";
export {
  requireAdmin,
  requireScope,
  requireUnrestricted,
  requireUser,
  type UserActor,
} from "./require-user.js";
export { TOKEN_PREFIX } from "./token-secret.js";
export { signIn, type SignedIn } from "./sign-in.js";
export { changeOwnPassword, setUserPassword, type PasswordSet } from "./set-password.js";
export {
  authenticateSession,
  requireSession,
  sessionDigest,
  signOut,
  webSessionKey,
} from "./web-sessions.js";
export { parseDuration } from "./duration.js";
