/** The shapes of the hub's answers about organisations and webhooks; each names its route. */

export const ORG_ROLES = ["owner", "maintainer", "reviewer", "member"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** GET /api/orgs/:org/members (one entry). */
export interface OrgMember {
  readonly user: string;
  readonly role: OrgRole;
  readonly signoffRoles: readonly string[];
}

/** GET /api/whoami-v2 (the parts the UI reads). */
export interface WhoAmI {
  readonly name: string;
  readonly orgs: readonly { readonly name: string; readonly roleInOrg: OrgRole }[];
  readonly gatehouse: { readonly isAdmin: boolean };
}

/** The webhook event types of docs/webhooks.md, in the catalogue's order. */
export const WEBHOOK_EVENT_TYPES = [
  "access.requested",
  "access.granted",
  "access.revoked",
  "version.published",
  "release.transitioned",
  "release.pending_signoff",
  "version.withdrawn",
] as const;

/** GET /api/namespaces/:namespace/webhooks (one entry) and …/webhooks/:id. */
export interface Subscription {
  readonly id: string;
  readonly model: string | null;
  readonly namespace: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly disabledAt: string | null;
  readonly consecutiveFailures: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** POST /api/namespaces/:namespace/webhooks: the subscription and its secret, shown once. */
export interface CreatedSubscription extends Subscription {
  readonly secret: string;
}

/** GET …/webhooks/:id/deliveries (one entry). */
export interface Delivery {
  readonly id: string;
  readonly event: { readonly id: string; readonly type: string; readonly createdAt: string };
  readonly status: "pending" | "delivered" | "failed";
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly redeliveryOf: string | null;
  readonly createdAt: string;
  readonly log: readonly {
    readonly attempt: number;
    readonly at: string;
    readonly statusCode: number | null;
    readonly durationMs: number;
    readonly error: string | null;
  }[];
}

/** A sign-off role as policies name it (`'ceo' in s.roles`); the hub checks the same. */
export const SIGNOFF_ROLE = /^[a-z][a-z0-9-]{0,47}$/;

/** The hub takes at most this many sign-off roles per member. */
export const MAX_SIGNOFF_ROLES = 16;

/** Sign-off roles typed as a list separated by commas or spaces, without repeats. */
export function parseSignoffRoles(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((r) => r !== ""))];
}
