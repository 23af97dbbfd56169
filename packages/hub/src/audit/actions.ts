/**
 * The catalogue of audit actions: every state change the hub records is one of
 * these, each with one meaning (docs/audit.md lists them). A new kind of
 * change adds a line here, so the log cannot fill with spellings of one idea.
 */
export const AUDIT_ACTIONS = {
  "user.create": "a user account was created",
  "org.create": "an organisation was created",
  "org.member.set": "a user joined an organisation or changed role there",
  "org.member.remove": "a user left an organisation",
  "org.signoff-role.set": "an organisation gave a member a sign-off role (ceo, …) or took it away",
  "token.create": "an access token was created",
  "token.revoke": "an access token and the tokens it created were revoked",
  "token.rotate":
    "an access token was replaced by a new secret (its token.create follows); the old one works until the grace period ends",
  "user.password-set":
    "a user's password was set: by themselves (with the current one), by an administrator, or on first start; their other web sessions ended",
  "session.create":
    "a user signed in to the web UI, with their password or their OpenID provider (details say which): a web session began",
  "session.delete": "a user signed out of the web UI: their web session ended",
  "user.oidc-link":
    "a user was linked to their identity at the OpenID provider: by an administrator, or by their first sign-in when it created their account",
  "model.create": "a model was created, with the stage its versions start at",
  "model.delete": "a model was deleted with its versions",
  "model.tester.add": "a user or organisation joined a model's allow-list of trusted testers",
  "model.tester.remove": "a user or organisation left a model's allow-list",
  "version.create": "a draft version was created",
  "version.publish": "a draft was published: its files and commit id are fixed",
  "version.stage":
    "a version moved to another stage (withdrawal included); details name the policy's hash",
  "transition.request": "a stage change was requested and left pending or refused",
  "transition.cancel": "a pending stage change was cancelled",
  "transition.signoff": "a reviewer approved or rejected a pending stage change",
  "transition.override": "an admin overrode a policy rule that allows it",
  "evidence.add": "an evidence report was attached to a version",
  "version.risk-tier": "a reviewer set a version's risk tier",
  "file.add": "a file was added to a draft",
  "file.remove": "a file was removed from a draft",
  "lfs.upload-link":
    "one-time links to upload Git LFS objects were given out (one event per batch request)",
  "lfs.upload": "a Git LFS object arrived through its one-time link, whole and verified",
  "file.download":
    "bytes of a file left the hub (versions not open to everyone, and every use of a signed URL, then attributed to its grantee)",
  "signing-key.create":
    "a key for signing download URLs was made: on the first signed URL, or by an administrator's rotation",
  "signing-key.retire":
    "signing keys older than the newest were retired: the URLs they signed stop working",
  "access.request":
    "someone asked for access to a model's gated versions; details give the decision the gate made",
  "access.decide": "an owner or reviewer accepted or rejected an access request, or reopened it",
  "access.grant":
    "access to a model's gated versions (or one of them) was granted, until a time or revoked",
  "access.revoke":
    "grants of access were revoked (a rejection after acceptance, or a direct revocation)",
  "licence.accept": "a user accepted the exact text of a version's licence (named by its sha256)",
  "webhook.create":
    "a webhook subscription was created for a model or a namespace (URL origin only)",
  "webhook.update":
    "a webhook subscription's URL, events or description changed, or it was enabled or disabled",
  "webhook.delete": "a webhook subscription was deleted with its deliveries",
  "webhook.redeliver": "a webhook delivery was queued again by hand",
  "webhook.disable":
    "the hub disabled a webhook subscription after failed deliveries or a 410 Gone",
  "serving.enable":
    "a version was enabled for hosted inference (or its worker count changed); details give the workers",
  "serving.disable": "a version stopped being served by the hub",
  "limits.set":
    "usage limits were set on a scope (the hub's defaults, a token, a user, an organisation or a version); details give them",
  "limits.clear": "a scope's usage limits were removed",
  "limits.tier":
    "a user or organisation moved to another usage tier: promoted or demoted by the policy's rules, or approved for a tier (and pinned there) or released by an administrator",
  "signal.open":
    "an abuse signal opened about a token, user or address; details give its kind, the action taken, the policy's signal rules that asked for it and what was seen",
  "signal.escalate":
    "a later trip of an open abuse signal met a signal rule asking for a stronger action (throttle or suspend), which was taken; details name the rules",
  "signal.close": "an abuse signal was closed with a reason; a token it suspended works again",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
