/** The shapes of the hub's audit answers; each names its route. */

/** GET /api/audit (one event). */
export interface AuditEvent {
  readonly seq: number;
  readonly at: string;
  readonly actor: string | null;
  readonly actorName: string | null;
  readonly action: string;
  readonly resource: string;
  readonly resourceName: string | null;
  readonly details: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

/** GET /api/audit/verify */
export type ChainVerdict =
  | { readonly ok: true; readonly events: number; readonly headHash: string }
  | {
      readonly ok: false;
      readonly events: number;
      readonly brokenAt: number;
      readonly problem: string;
      readonly reason: string;
    };

/** The actions of the audit catalogue (docs/audit.md), in its order. */
export const AUDIT_ACTIONS = [
  "user.create",
  "org.create",
  "org.member.set",
  "org.member.remove",
  "org.signoff-role.set",
  "token.create",
  "token.revoke",
  "token.rotate",
  "user.password-set",
  "session.create",
  "session.delete",
  "user.oidc-link",
  "model.create",
  "model.delete",
  "model.tester.add",
  "model.tester.remove",
  "version.create",
  "version.publish",
  "version.stage",
  "transition.request",
  "transition.cancel",
  "transition.signoff",
  "transition.override",
  "evidence.add",
  "version.risk-tier",
  "file.add",
  "file.remove",
  "lfs.upload-link",
  "lfs.upload",
  "file.download",
  "signing-key.create",
  "signing-key.retire",
  "access.request",
  "access.decide",
  "access.grant",
  "access.revoke",
  "licence.accept",
  "webhook.create",
  "webhook.update",
  "webhook.delete",
  "webhook.redeliver",
  "webhook.disable",
  "serving.enable",
  "serving.disable",
  "limits.set",
  "limits.clear",
  "limits.tier",
  "signal.open",
  "signal.escalate",
  "signal.close",
] as const;
