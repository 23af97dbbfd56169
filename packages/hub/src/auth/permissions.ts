import type { Stage } from "../stages/index.js";
import type { Scope } from "./actor.js";

/**
 * How the caller stands to a model's namespace. `admin` is a hub
 * administrator; `owner` is the user a personal namespace belongs to or an
 * org owner; `none` is a signed-in user with no role there.
 */
export type Relation =
  "anonymous" | "none" | "member" | "reviewer" | "maintainer" | "owner" | "admin";

/**
 * Whom a cell of the table admits: a relation; `tester`, a signed-in user
 * on the model's allow-list of trusted testers (themselves or through an
 * organisation they belong to); or `grantee`, a signed-in user holding a live
 * grant of access to the version (themselves or through an organisation).
 */
export type Who = Relation | "tester" | "grantee";

export type Action =
  /** See a version's card and metadata (for a withdrawn one, its tombstone). */
  | "version.see"
  | "version.download"
  | "version.infer"
  | "version.create"
  | "version.upload"
  | "version.publish"
  /** Request a stage change, withdraw, attach evidence, manage the model's testers. */
  | "version.release"
  /** Approve or reject a pending stage change. */
  | "version.review"
  /** Move a withdrawn version back onto the ladder. */
  | "version.restore"
  /** Decide access requests to a model's gated versions, grant and revoke access, read acceptances. */
  | "model.manage-access"
  | "model.delete"
  | "model.create"
  | "org.manage-members"
  /** Create, change, delete and redeliver a model's webhook subscriptions, and read their deliveries. */
  | "model.manage-webhooks"
  /** The same for the webhook subscriptions of a whole user or organisation namespace. */
  | "namespace.manage-webhooks";

interface Rule {
  /** The token scope the action needs. */
  readonly scope: Scope;
  /** Who may act, by the version's stage. */
  readonly allow: Readonly<Record<Stage, readonly Who[]>>;
}

const OWNERS: readonly Relation[] = ["owner", "admin"];
const WRITERS: readonly Relation[] = ["maintainer", ...OWNERS];
const ORG_MEMBERS: readonly Relation[] = ["member", "reviewer", ...WRITERS];
const TESTERS: readonly Who[] = [...ORG_MEMBERS, "tester"];
const SIGNED_IN: readonly Relation[] = ["none", ...ORG_MEMBERS];
const EVERYONE: readonly Relation[] = ["anonymous", ...SIGNED_IN];
const REVIEWERS: readonly Relation[] = ["reviewer", ...OWNERS];
/** Who reaches a private version: its writers, and the reviewers who must judge it before it climbs. */
const INSIDERS: readonly Relation[] = ["reviewer", ...WRITERS];
const NOBODY: readonly Who[] = [];
const GRANTEES: readonly Who[] = [...WRITERS, "grantee"];

const same = (who: readonly Who[]): Record<Stage, readonly Who[]> => ({
  private: who,
  internal: who,
  staged: who,
  api: who,
  gated: who,
  open: who,
  withdrawn: who,
});

/**
 * The stage table: for every action and release stage, who may act. Anything
 * not listed is denied. It is the only statement of who may see, download or
 * call a version: `authorize` reads it for one version and `allowedFilter`
 * turns it into SQL for lists, so the two cannot disagree. Kept as data so it
 * can be read, documented (docs/permissions.md) and tested cell by cell.
 *
 * A withdrawn version's tombstone is seen by whoever saw the version at the
 * stage it was withdrawn from (`seenAs`), so withdrawal never widens who knows
 * of it; its `version.see` cell here applies only when that stage is unknown.
 */
export const PERMISSIONS: Readonly<Record<Action, Rule>> = {
  "version.see": {
    scope: "read",
    allow: {
      private: INSIDERS,
      internal: ORG_MEMBERS,
      staged: TESTERS,
      api: EVERYONE,
      gated: EVERYONE,
      open: EVERYONE,
      withdrawn: INSIDERS,
    },
  },
  "version.download": {
    scope: "read",
    allow: {
      private: INSIDERS,
      internal: ORG_MEMBERS,
      staged: TESTERS,
      // Hosted only: the weights stay with their owners.
      api: WRITERS,
      // An approved request's grant; the licence must also be accepted (access/).
      gated: GRANTEES,
      open: EVERYONE,
      withdrawn: NOBODY,
    },
  },
  "version.infer": {
    scope: "read",
    allow: {
      private: INSIDERS,
      internal: ORG_MEMBERS,
      staged: TESTERS,
      api: SIGNED_IN,
      gated: GRANTEES,
      open: SIGNED_IN,
      withdrawn: NOBODY,
    },
  },
  "version.create": { scope: "write", allow: same(WRITERS) },
  "version.upload": { scope: "write", allow: same(WRITERS) },
  "version.publish": { scope: "write", allow: same(WRITERS) },
  "version.release": { scope: "write", allow: same(WRITERS) },
  "version.review": { scope: "write", allow: same(REVIEWERS) },
  "version.restore": { scope: "admin", allow: same(["admin"]) },
  "model.manage-access": { scope: "write", allow: same(INSIDERS) },
  "model.delete": { scope: "write", allow: same(OWNERS) },
  // Namespace-level: creating a model in a user's or organisation's namespace.
  "model.create": { scope: "write", allow: same(WRITERS) },
  "org.manage-members": { scope: "write", allow: same(OWNERS) },
  "model.manage-webhooks": { scope: "write", allow: same(WRITERS) },
  // Namespace-level: every model of the namespace, present and future.
  "namespace.manage-webhooks": { scope: "write", allow: same(WRITERS) },
};

/**
 * The stage whose `version.see` cell decides who sees a version: a withdrawn
 * version is seen (as a tombstone) by those who saw it before.
 */
export function seenAs(stage: Stage, withdrawnFrom: Stage | null): Stage {
  return stage === "withdrawn" && withdrawnFrom !== null ? withdrawnFrom : stage;
}
