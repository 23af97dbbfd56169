import type { LadderStage, Stage } from "../stages/index.js";

/** Timestamps are ISO-8601 strings in UTC so both dialects store and compare them alike. */
type Timestamp = string;

export interface NamespacesTable {
  id: string;
  name: string;
  /** Lower-cased name: names are unique regardless of case, as on the Hugging Face Hub. */
  name_key: string;
  kind: "user" | "org";
  created_at: Timestamp;
}

/** Personal data of a user; erasable without touching the audit chain. */
export interface UsersTable {
  id: string;
  email: string | null;
  fullname: string | null;
  is_admin: number;
}

export interface OrgMembersTable {
  org_id: string;
  user_id: string;
  role: "owner" | "maintainer" | "reviewer" | "member";
  created_at: Timestamp;
}

export interface TokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string;
  model_id: string | null;
  /** The token this one was created with; null for the first admin token and for tokens made before parents were kept. */
  parent_id: string | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: Timestamp;
  /** The token that replaced this one by rotation; it works until its (shortened) expiry. */
  rotated_to: string | null;
}

/** A user's password for signing in to the web UI. */
export interface UserPasswordsTable {
  user_id: string;
  /** `scrypt$N=…,r=…,p=…$<salt base64>$<key base64>`: the parameters travel with the hash. */
  hash: string;
  updated_at: Timestamp;
}

/** A browser signed in with a password; the cookie holds the secret, the store only its SHA-256. */
export interface WebSessionsTable {
  id: string;
  secret_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** Refreshed at most once a minute, as tokens' last_used_at is. */
  last_seen_at: Timestamp;
}

/** Secrets shared by every hub process on the database, one per purpose (`csrf`). */
export interface WebSessionKeysTable {
  purpose: string;
  secret: string;
  created_at: Timestamp;
}

/** A person at an OpenID provider, and the user they sign in as. */
export interface OidcIdentitiesTable {
  issuer: string;
  /** The provider's `sub` claim: never reassigned, unlike a name or an email address. */
  subject: string;
  user_id: string;
  created_at: Timestamp;
}

export interface ModelsTable {
  id: string;
  namespace_id: string;
  name: string;
  name_key: string;
  /** The stage each version starts at when published. */
  initial_stage: LadderStage;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface VersionsTable {
  id: string;
  model_id: string;
  name: string;
  state: "draft" | "published";
  commit_id: string | null;
  /** The parsed front matter of README.md, as JSON, or null when the version has no card. */
  card: string | null;
  created_at: Timestamp;
  published_at: Timestamp | null;
  /** Null while a draft. Read fresh on every request: it changes, and other hub processes change it. */
  stage: Stage | null;
  stage_since: Timestamp | null;
  /** Why the version reached its stage (a withdrawn version's tombstone shows it). */
  stage_reason: string | null;
  withdrawn_from: Stage | null;
  /** A reviewer's tier; the tier in force is the highest of it, the card's and the compute's. */
  reviewed_risk_tier: string | null;
  /** The user who published it: its author, whose sign-off never counts. */
  published_by: string | null;
}

/** A reviewer's verdict on a pending transition; one per reviewer, the latest standing. */
export interface SignoffsTable {
  transition_id: string;
  user_id: string;
  verdict: "approve" | "reject";
  comment: string;
  /** The roles they signed with, as a JSON list. */
  roles: string;
  at: Timestamp;
}

/** Sign-off roles an organisation gives members (`ceo`, `responsible-scaling-officer`, …). */
export interface OrgSignoffRolesTable {
  org_id: string;
  user_id: string;
  role: string;
  created_at: Timestamp;
}

/** An evidence report attached to a version, bound to one of its files by sha256. */
export interface EvidenceTable {
  id: string;
  version_id: string;
  kind: string;
  provenance: "publisher-attested" | "hub-verified";
  subject_sha256: string;
  /** The validated report, as JSON. */
  report: string;
  added_at: Timestamp;
  added_by: string | null;
}

/** A model's allow-list of trusted testers: users, or organisations whose members all count. */
export interface ModelTestersTable {
  model_id: string;
  namespace_id: string;
  created_at: Timestamp;
}

export type TransitionStatus = "pending" | "done" | "refused" | "rejected" | "cancelled";

/** A requested stage change: done at once, refused, or pending (sign-offs, a time, an embargo). */
export interface TransitionsTable {
  id: string;
  version_id: string;
  from_stage: Stage;
  to_stage: Stage;
  reason: string;
  requested_by: string | null;
  requested_at: Timestamp;
  /** When an embargo lifts; null to run as soon as the policy allows. */
  run_at: Timestamp | null;
  override: number;
  status: TransitionStatus;
  decided_at: Timestamp | null;
  policy_hash: string | null;
  /** The last policy decision, as JSON. */
  outcome: string | null;
}

export type AccessRequestStatus = "pending" | "accepted" | "rejected";

/** A request for a gated model's files, answered by its owners, automatically or by a rule. */
export interface AccessRequestsTable {
  id: string;
  model_id: string;
  /** The version whose form was answered. */
  version_id: string | null;
  requester_id: string;
  /** Whom an approval covers: the requester, or an organisation they asked for. */
  grantee_id: string;
  status: AccessRequestStatus;
  /** The form's answers, as JSON. */
  fields: string;
  created_at: Timestamp;
  decided_at: Timestamp | null;
  decided_by: string | null;
  rejection_reason: string | null;
  /** After a rejection, when the grantee may ask again; null for never. */
  reapply_at: Timestamp | null;
}

/** Access to a model's gated versions (or one of them), until it expires or is revoked. */
export interface AccessGrantsTable {
  id: string;
  model_id: string;
  /** Null for every gated version of the model. */
  version_id: string | null;
  /** A user, or an organisation whose members it covers while they are members. */
  grantee_id: string;
  request_id: string | null;
  granted_by: string | null;
  granted_at: Timestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

/** That a user accepted the exact text of a version's licence. */
export interface LicenceAcceptancesTable {
  id: string;
  user_id: string;
  model_id: string;
  version_id: string;
  licence_id: string;
  text_sha256: string;
  /** The form's answers given with it, as JSON. */
  fields: string;
  request_id: string | null;
  accepted_at: Timestamp;
}

/** Where an acceptance came from: personal data, erasable. */
export interface AcceptanceOriginsTable {
  acceptance_id: string;
  address: string | null;
  user_agent: string | null;
}

/** A key that signs download URLs; the newest unretired one signs, every unretired one verifies. */
export interface UrlSigningKeysTable {
  id: string;
  /** 32 random bytes, base64url. */
  secret: string;
  created_at: Timestamp;
  retired_at: Timestamp | null;
}

/**
 * A one-time link to upload one Git LFS object: bound to its user, model,
 * object id and size, valid until `expires_at`, spent when the object arrives.
 * Only the sha256 of the link's secret is stored.
 */
export interface LfsUploadTicketsTable {
  id: string;
  ticket_hash: string;
  user_id: string;
  model_id: string;
  oid: string;
  size: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** When the object arrived whole and verified; null while the link is unspent. */
  uploaded_at: Timestamp | null;
}

export interface VersionFilesTable {
  version_id: string;
  path: string;
  sha256: string;
  size: number;
  created_at: Timestamp;
}

/** Downloads of a version on one UTC day (`YYYY-MM-DD`), counted at a download's first byte. */
export interface DownloadCountsTable {
  version_id: string;
  day: string;
  downloads: number;
}

/** A version the hub runs in its worker pool; `signature` is the model's inputs and outputs as JSON. */
export interface ServedVersionsTable {
  version_id: string;
  model_id: string;
  workers: number;
  signature: string;
  /** Rows one run may take from waiting calls; null: the hub's default. */
  max_batch: number | null;
  /** How long a partial batch may wait, in µs; null: the hub's default. */
  max_delay_us: number | null;
  enabled_by: string;
  enabled_at: string;
  /** The OpenAI-compatible base URL of the engine that runs it; null when the hub runs it. */
  upstream_url: string | null;
  /** The engine's name for the model; null when the hub runs it. */
  upstream_model: string | null;
}

export interface UsageLimitsTable {
  scope: string;
  /** The limits as JSON (limits/limit-spec.ts). */
  spec: string;
  /** What the scope's counters are keyed by: the scope, or the first of a rotated token's line. */
  counter_key: string;
  /** The user id of who set them, or `signal:<id>` for a throttle an abuse signal put on. */
  set_by: string;
  set_at: string;
}

/** The usage tier each user and organisation holds (limits/account-tiers.ts); a row per account evaluated once. */
export interface UsageTiersTable {
  /** The namespace id of a user or organisation. */
  account_id: string;
  /** A tier named in the policy files, or null: none of them. */
  tier: string | null;
  /** 1 when an administrator approved the account for its tier: evaluation leaves it alone. */
  pinned: number;
  /** When the account came to hold `tier`. */
  since: string;
}

/** Which hosted-inference protocol and endpoint a call used. */
export type UsageProtocol = "oip" | "openai";
export type UsageEndpoint =
  "infer" | "metadata" | "ready" | "models" | "completions" | "chat" | "embeddings";

/**
 * One hosted-inference call, refusals included. People appear by opaque ids;
 * inputs never, only the sha256 of their canonical JSON.
 */
export interface UsageRecordsTable {
  id: string;
  at: Timestamp;
  request_id: string;
  token_id: string | null;
  user_id: string | null;
  /** The organisation owning the called model; null for a user's model or a call that named none the caller may call. */
  org_id: string | null;
  /** Null when the call reached no version the caller may call (401, 404, …). */
  version_id: string | null;
  protocol: UsageProtocol;
  endpoint: UsageEndpoint;
  /** The HTTP status answered; 499 when the client went away first. */
  status: number;
  error_code: string | null;
  batch_rows: number;
  input_hash: string | null;
  latency_ms: number;
  /** A language model's prompt tokens (each prompt once); null for other calls. */
  prompt_tokens: number | null;
  /** Tokens generated, every choice's; null for other calls. */
  completion_tokens: number | null;
  /** Milliseconds from the call to its first generated token; null when none was. */
  ttft_ms: number | null;
}

/** Where a usage record's call came from: personal data, erasable. */
export interface UsageOriginsTable {
  record_id: string;
  /** The client address's key (an IPv6 address by its /64). */
  address: string | null;
  user_agent: string | null;
}

/** Calls summed per hour or UTC day; '' stands for an absent id so the key upserts. */
export interface UsageRollupsTable {
  period: "hour" | "day";
  bucket: Timestamp;
  version_id: string;
  token_id: string;
  user_id: string;
  org_id: string;
  requests: number;
  errors: number;
  batch_rows: number;
  latency_sum_ms: number;
  latency_max_ms: number;
  /** Language-model tokens of the calls: their prompts, and what they generated. */
  prompt_tokens: number;
  completion_tokens: number;
}

/** An abuse signal about one subject's calls (docs/signals.md). */
export interface UsageSignalsTable {
  id: string;
  kind:
    | "spike"
    | "key_sharing"
    | "probing"
    | "ignored_retry_after"
    | "near_duplicates"
    | "content_policy";
  state: "open" | "closed";
  subject_kind: "token" | "user" | "address";
  /** A token or user id, or an address key. */
  subject: string;
  token_id: string | null;
  user_id: string | null;
  /** The organisation owning the model last called; null for a user's model or none. */
  org_id: string | null;
  version_id: string | null;
  first_seen: Timestamp;
  last_seen: Timestamp;
  /** Calls counted in the windows that tripped it, summed over its openings. */
  count: number;
  /** JSON: what each detector saw at its last trip. */
  details: string;
  action: "notify" | "throttle" | "suspend";
  /** Its trips: 1 when it opens, one more each time a detector counts it again. */
  trips: number;
  /** JSON list: the ids of the policy's signal rules that asked for its action; empty for a plain notify. */
  rules: string;
  /**
   * JSON `{spec, setBy, setAt}`: the subject's limits its throttle replaced,
   * `spec` null where there were none; null when it throttled nothing.
   */
  throttled_limits: string | null;
  closed_by: string | null;
  closed_at: Timestamp | null;
  close_reason: string | null;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface AuditEventsTable {
  seq: number;
  at: Timestamp;
  actor_id: string | null;
  action: string;
  resource: string;
  details: string;
  prev_hash: string;
  hash: string;
}

/** Where an audited request came from: personal data, kept apart from the chain so it can be erased. */
export interface AuditOriginsTable {
  seq: number;
  address: string | null;
  user_agent: string | null;
}

/**
 * A webhook subscription of a model, or of every model of a namespace (model_id null).
 * The secret signs deliveries, so it is kept as issued; the API shows it once.
 */
export interface WebhookSubscriptionsTable {
  id: string;
  namespace_id: string;
  model_id: string | null;
  url: string;
  /** The event types it receives, as a JSON list. */
  events: string;
  description: string;
  /** `whsec_` and the base64 key. Never logged, never in the audit chain. */
  secret: string;
  enabled: number;
  disabled_reason: string | null;
  disabled_at: Timestamp | null;
  /** Failed attempts since the last success, across deliveries. */
  consecutive_failures: number;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The outbox: an event, written in the transaction of the change that caused it. */
export interface WebhookEventsTable {
  id: string;
  type: string;
  namespace_id: string;
  model_id: string | null;
  /** The exact JSON body every delivery sends and signs. */
  body: string;
  created_at: Timestamp;
  /** When deliveries were made for the subscriptions it matched; null until then. */
  fanned_out_at: Timestamp | null;
}

export type WebhookDeliveryStatus = "pending" | "delivered" | "failed";

/** One event on its way to one subscription. */
export interface WebhookDeliveriesTable {
  id: string;
  subscription_id: string;
  event_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When the next attempt is due (or, while one runs, when its claim lapses); null once settled. */
  next_attempt_at: Timestamp | null;
  /** The delivery a manual redelivery repeats. */
  redelivery_of: string | null;
  created_at: Timestamp;
}

/** The delivery log: one row per attempt. */
export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  at: Timestamp;
  /** The receiver's HTTP status; null when no answer came. */
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface Database {
  namespaces: NamespacesTable;
  users: UsersTable;
  org_members: OrgMembersTable;
  tokens: TokensTable;
  user_passwords: UserPasswordsTable;
  web_sessions: WebSessionsTable;
  web_session_keys: WebSessionKeysTable;
  oidc_identities: OidcIdentitiesTable;
  models: ModelsTable;
  versions: VersionsTable;
  version_files: VersionFilesTable;
  model_testers: ModelTestersTable;
  transitions: TransitionsTable;
  signoffs: SignoffsTable;
  org_signoff_roles: OrgSignoffRolesTable;
  evidence: EvidenceTable;
  access_requests: AccessRequestsTable;
  access_grants: AccessGrantsTable;
  licence_acceptances: LicenceAcceptancesTable;
  acceptance_origins: AcceptanceOriginsTable;
  url_signing_keys: UrlSigningKeysTable;
  download_counts: DownloadCountsTable;
  served_versions: ServedVersionsTable;
  usage_limits: UsageLimitsTable;
  usage_tiers: UsageTiersTable;
  lfs_upload_tickets: LfsUploadTicketsTable;
  usage_records: UsageRecordsTable;
  usage_origins: UsageOriginsTable;
  usage_rollups: UsageRollupsTable;
  usage_signals: UsageSignalsTable;
  audit_head: AuditHeadTable;
  audit_events: AuditEventsTable;
  audit_origins: AuditOriginsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}
