import type { Scope } from "./actor.js";

/** The three visibilities a model has before the release ladder exists. */
export type Visibility = "private" | "internal" | "open";

/**
 * How the caller stands to a model's namespace. `admin` is a hub
 * administrator; `owner` is the user a personal namespace belongs to or an
 * org owner; `none` is a signed-in user with no role there.
 */
export type Relation =
  "anonymous" | "none" | "member" | "reviewer" | "maintainer" | "owner" | "admin";

export type ModelAction =
  | "model.see"
  | "model.download"
  | "version.create"
  | "version.upload"
  | "version.publish"
  | "model.delete"
  | "model.create"
  | "org.manage-members";

interface Rule {
  /** The token scope the action needs. */
  readonly scope: Scope;
  /** Who may act, by the model's visibility. */
  readonly allow: Readonly<Record<Visibility, readonly Relation[]>>;
}

const ORG_MEMBERS: readonly Relation[] = ["member", "reviewer", "maintainer", "owner", "admin"];
const EVERYONE: readonly Relation[] = ["anonymous", "none", ...ORG_MEMBERS];
const WRITERS: readonly Relation[] = ["maintainer", "owner", "admin"];
const OWNERS: readonly Relation[] = ["owner", "admin"];

const same = (relations: readonly Relation[]): Record<Visibility, readonly Relation[]> => ({
  private: relations,
  internal: relations,
  open: relations,
});

/**
 * The permission table: every (action, visibility) names the relations that
 * may act. Anything not listed is denied. Kept as data so it can be read,
 * documented and tested cell by cell.
 */
export const PERMISSIONS: Readonly<Record<ModelAction, Rule>> = {
  "model.see": {
    scope: "read",
    allow: { private: WRITERS, internal: ORG_MEMBERS, open: EVERYONE },
  },
  "model.download": {
    scope: "read",
    allow: { private: WRITERS, internal: ORG_MEMBERS, open: EVERYONE },
  },
  "version.create": { scope: "write", allow: same(WRITERS) },
  "version.upload": { scope: "write", allow: same(WRITERS) },
  "version.publish": { scope: "write", allow: same(WRITERS) },
  "model.delete": { scope: "write", allow: same(OWNERS) },
  // Namespace-level: creating a model in a user's or organisation's namespace.
  "model.create": { scope: "write", allow: same(WRITERS) },
  "org.manage-members": { scope: "write", allow: same(OWNERS) },
};
