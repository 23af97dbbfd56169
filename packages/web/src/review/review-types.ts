/** The shapes of the hub's access answers the inbox and the access records read. */

/** An access request: GET /api/inbox/access-requests (each of `requests`). */
export interface AccessRequest {
  readonly id: string;
  readonly model: string;
  readonly version: string | null;
  readonly requester: string;
  readonly grantee: string;
  readonly status: "pending" | "accepted" | "rejected";
  readonly fields: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly decidedAt: string | null;
  readonly rejectionReason: string | null;
  readonly reapplyAt: string | null;
}

/** GET /api/inbox/access-requests */
export interface RequestInbox {
  readonly requests: readonly AccessRequest[];
  /** The gated models whose access the caller manages: where a direct grant can go. */
  readonly models: readonly string[];
}

/** GET /api/models/:ns/:name/access/acceptances (one entry). */
export interface Acceptance {
  readonly id: string;
  readonly user: string;
  readonly fullname: string | null;
  readonly email: string | null;
  readonly version: string;
  readonly licence: string;
  readonly licenceSha256: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly acceptedAt: string;
  readonly address: string | null;
  readonly userAgent: string | null;
}
