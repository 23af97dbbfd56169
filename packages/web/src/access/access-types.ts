/** The shapes of the hub's gated-access answers the UI reads; each names the route it comes from. */

/** One question of a gated version's access form. */
export interface GateField {
  readonly label: string;
  readonly type: "text" | "checkbox" | "date_picker" | "country" | "ip_location" | "select";
  /** A `select`'s choices: the value is sent, the label shown. */
  readonly options: readonly { readonly label: string; readonly value: string }[];
  /** The hub's own question on a licence's cap on users: a whole number. */
  readonly number?: true;
}

/** GET /api/models/:namespace/:name/access/form */
export interface GateForm {
  readonly model: string;
  readonly version: string;
  readonly gated: "auto" | "manual";
  readonly approval: "auto" | "manual" | "rule";
  readonly heading: string | null;
  readonly prompt: string | null;
  readonly description: string | null;
  readonly buttonContent: string | null;
  readonly fields: readonly GateField[];
  /** ISO 3166-1 alpha-2 codes for which access is not offered. */
  readonly blockedCountries: readonly string[];
  readonly licence: {
    readonly id: string;
    readonly sha256: string;
    readonly text: string;
    readonly acceptanceRequired: boolean;
  };
  /** How long an approval lasts, in days; null for until revoked. */
  readonly grantDays: number | null;
}

export type RequestStatus = "pending" | "accepted" | "rejected";

/** A request for access, as its requester sees it (POST …/access/requests, GET /api/access/mine). */
export interface AccessRequest {
  readonly id: string;
  readonly model: string;
  readonly version: string | null;
  readonly requester: string;
  readonly grantee: string;
  readonly status: RequestStatus;
  readonly createdAt: string;
  readonly decidedAt: string | null;
  readonly rejectionReason: string | null;
  /** After a rejection: when the grantee may ask again; null for never. */
  readonly reapplyAt: string | null;
}

/** A grant of access to a model's gated versions, or to one of them. */
export interface AccessGrant {
  readonly id: string;
  readonly model: string;
  /** One version's name, or null for every gated version. */
  readonly version: string | null;
  readonly grantee: string;
  readonly granteeKind: "user" | "org";
  readonly grantedAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly status: "live" | "expired" | "revoked";
}

/** GET /api/models/:namespace/:name/access/mine: where the signed-in user stands with a gated version. */
export interface MyModelAccess {
  readonly model: string;
  readonly version: string;
  readonly request: AccessRequest | null;
  readonly grant: AccessGrant | null;
  readonly licence: {
    readonly id: string;
    readonly sha256: string;
    readonly acceptanceRequired: boolean;
    readonly accepted: boolean;
  };
  readonly canDownload: boolean;
}

/** GET /api/access/mine */
export interface MyAccess {
  readonly grants: readonly AccessGrant[];
  readonly requests: readonly AccessRequest[];
}

/** The path of a model's page in the UI, its two names escaped. */
export function modelPath(model: string): string {
  return "/" + model.split("/").map(encodeURIComponent).join("/");
}
