import type { Kysely, Migration, MigrationProvider } from "kysely";
import { sql } from "kysely";

/**
 * The schema's history. Migrations are kept in code (not files) so the built
 * hub carries them; append new ones, never edit a landed one.
 */
const migrations: Record<string, Migration> = {
  "0001-foundation": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("namespaces")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("name_key", "text", (c) => c.notNull().unique())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey().references("namespaces.id"))
        .addColumn("email", "text")
        .addColumn("fullname", "text")
        .addColumn("is_admin", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable("org_members")
        .addColumn("org_id", "text", (c) => c.notNull().references("namespaces.id"))
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("org_members_pk", ["org_id", "user_id"])
        .execute();
      await db.schema
        .createTable("tokens")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("scopes", "text", (c) => c.notNull())
        .addColumn("model_id", "text")
        .addColumn("expires_at", "text")
        .addColumn("revoked_at", "text")
        .addColumn("last_used_at", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("models")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("namespace_id", "text", (c) => c.notNull().references("namespaces.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("name_key", "text", (c) => c.notNull())
        .addColumn("visibility", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addUniqueConstraint("models_namespace_name_key", ["namespace_id", "name_key"])
        .execute();
      await db.schema
        .createTable("versions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("model_id", "text", (c) => c.notNull().references("models.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("commit_id", "text")
        .addColumn("card", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("published_at", "text")
        .addUniqueConstraint("versions_model_name", ["model_id", "name"])
        .execute();
      await db.schema
        .createIndex("versions_commit_id")
        .on("versions")
        .column("commit_id")
        .execute();
      await db.schema
        .createTable("version_files")
        .addColumn("version_id", "text", (c) => c.notNull().references("versions.id"))
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("version_files_pk", ["version_id", "path"])
        .execute();
      await db.schema
        .createIndex("version_files_sha256")
        .on("version_files")
        .column("sha256")
        .execute();
      await db.schema
        .createTable("audit_head")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("audit_events")
        .addColumn("seq", "bigint", (c) => c.primaryKey())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("actor_id", "text")
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("resource", "text", (c) => c.notNull())
        .addColumn("details", "text", (c) => c.notNull())
        .addColumn("prev_hash", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("audit_origins")
        .addColumn("seq", "bigint", (c) => c.primaryKey())
        .addColumn("address", "text")
        .addColumn("user_agent", "text")
        .execute();
      // The chain starts from a fixed genesis hash so an empty log verifies.
      await sql`insert into audit_head (id, seq, hash) values (1, 0, ${"0".repeat(64)})`.execute(
        db,
      );
    },
  },
  "0002-newest-version-index": {
    async up(db: Kysely<unknown>) {
      // "main" is the newest published version: found by this index, not by sorting.
      await db.schema
        .createIndex("versions_model_state_published")
        .on("versions")
        .columns(["model_id", "state", "published_at"])
        .execute();
    },
  },
  "0003-token-parents": {
    async up(db: Kysely<unknown>) {
      // The token that created each token, so that revoking one revokes what it created.
      // Tokens from before this migration have none.
      await db.schema.alterTable("tokens").addColumn("parent_id", "text").execute();
      await db.schema.createIndex("tokens_parent_id").on("tokens").column("parent_id").execute();
    },
  },
  "0004-audit-resource-index": {
    async up(db: Kysely<unknown>) {
      // A version's history (who published it) is read from its events by resource.
      await db.schema
        .createIndex("audit_events_resource")
        .on("audit_events")
        .columns(["resource", "action"])
        .execute();
    },
  },
  "0005-release-stages": {
    async up(db: Kysely<unknown>) {
      // A model's one visibility becomes the stage its versions start at, and each
      // published version takes it as its own stage: access is decided per version now.
      await db.schema.alterTable("models").renameColumn("visibility", "initial_stage").execute();
      await db.schema.alterTable("versions").addColumn("stage", "text").execute();
      await db.schema.alterTable("versions").addColumn("stage_since", "text").execute();
      await db.schema.alterTable("versions").addColumn("stage_reason", "text").execute();
      await db.schema.alterTable("versions").addColumn("withdrawn_from", "text").execute();
      await db.schema.alterTable("versions").addColumn("reviewed_risk_tier", "text").execute();
      // Who published a version, read from its publication's audit event for older ones:
      // the author, whose sign-off never counts.
      await db.schema.alterTable("versions").addColumn("published_by", "text").execute();
      await sql`update versions set published_by = (select e.actor_id from audit_events e where e.resource = 'version:' || versions.id and e.action = 'version.publish' order by e.seq limit 1) where state = 'published'`.execute(
        db,
      );
      await sql`update versions set stage = (select m.initial_stage from models m where m.id = versions.model_id), stage_since = published_at where state = 'published'`.execute(
        db,
      );
      await db.schema
        .createTable("model_testers")
        .addColumn("model_id", "text", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("namespace_id", "text", (c) => c.notNull().references("namespaces.id"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("model_testers_pk", ["model_id", "namespace_id"])
        .execute();
      await db.schema
        .createTable("transitions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("version_id", "text", (c) =>
          c.notNull().references("versions.id").onDelete("cascade"),
        )
        .addColumn("from_stage", "text", (c) => c.notNull())
        .addColumn("to_stage", "text", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("requested_by", "text")
        .addColumn("requested_at", "text", (c) => c.notNull())
        .addColumn("run_at", "text")
        .addColumn("override", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("decided_at", "text")
        .addColumn("policy_hash", "text")
        .addColumn("outcome", "text")
        .execute();
      await db.schema
        .createIndex("transitions_version_status")
        .on("transitions")
        .columns(["version_id", "status"])
        .execute();
      await db.schema
        .createTable("signoffs")
        .addColumn("transition_id", "text", (c) =>
          c.notNull().references("transitions.id").onDelete("cascade"),
        )
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("verdict", "text", (c) => c.notNull())
        .addColumn("comment", "text", (c) => c.notNull())
        .addColumn("roles", "text", (c) => c.notNull())
        .addColumn("at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("signoffs_pk", ["transition_id", "user_id"])
        .execute();
      await db.schema
        .createTable("org_signoff_roles")
        .addColumn("org_id", "text", (c) => c.notNull().references("namespaces.id"))
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("org_signoff_roles_pk", ["org_id", "user_id", "role"])
        .execute();
      await db.schema
        .createTable("evidence")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("version_id", "text", (c) =>
          c.notNull().references("versions.id").onDelete("cascade"),
        )
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("provenance", "text", (c) => c.notNull())
        .addColumn("subject_sha256", "text", (c) => c.notNull())
        .addColumn("report", "text", (c) => c.notNull())
        .addColumn("added_at", "text", (c) => c.notNull())
        .addColumn("added_by", "text")
        .execute();
      await db.schema.createIndex("evidence_version").on("evidence").column("version_id").execute();
      // Scheduled transitions are found by their time.
      await db.schema
        .createIndex("transitions_status_run_at")
        .on("transitions")
        .columns(["status", "run_at"])
        .execute();
    },
  },
  "0006-gated-access": {
    async up(db: Kysely<unknown>) {
      // A request for a gated model's files: the form's answers, whom it asks for
      // (the requester, or an organisation they speak for) and its decision.
      await db.schema
        .createTable("access_requests")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("model_id", "text", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("version_id", "text")
        .addColumn("requester_id", "text", (c) => c.notNull())
        .addColumn("grantee_id", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("fields", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("decided_at", "text")
        .addColumn("decided_by", "text")
        .addColumn("rejection_reason", "text")
        .addColumn("reapply_at", "text")
        .execute();
      await db.schema
        .createIndex("access_requests_model_status")
        .on("access_requests")
        .columns(["model_id", "status", "created_at"])
        .execute();
      await db.schema
        .createIndex("access_requests_grantee")
        .on("access_requests")
        .columns(["grantee_id", "model_id"])
        .execute();
      await db.schema
        .createTable("access_grants")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("model_id", "text", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        // Null: every gated version of the model, those published later too.
        .addColumn("version_id", "text")
        .addColumn("grantee_id", "text", (c) => c.notNull())
        .addColumn("request_id", "text")
        .addColumn("granted_by", "text")
        .addColumn("granted_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text")
        .addColumn("revoked_at", "text")
        .addColumn("revoked_by", "text")
        .addColumn("revoke_reason", "text")
        .execute();
      // The download path asks "does this caller hold a live grant for this model" on every gated request.
      await db.schema
        .createIndex("access_grants_model_grantee")
        .on("access_grants")
        .columns(["model_id", "grantee_id"])
        .execute();
      await db.schema
        .createTable("licence_acceptances")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("model_id", "text", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("version_id", "text", (c) => c.notNull())
        .addColumn("licence_id", "text", (c) => c.notNull())
        .addColumn("text_sha256", "text", (c) => c.notNull())
        .addColumn("fields", "text", (c) => c.notNull())
        .addColumn("request_id", "text")
        .addColumn("accepted_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("licence_acceptances_model_user")
        .on("licence_acceptances")
        .columns(["model_id", "user_id", "text_sha256"])
        .execute();
      // Where an acceptance came from: personal data, erasable apart from the record itself.
      await db.schema
        .createTable("acceptance_origins")
        .addColumn("acceptance_id", "text", (c) => c.primaryKey())
        .addColumn("address", "text")
        .addColumn("user_agent", "text")
        .execute();
      // Keys that sign download URLs; a retired key no longer verifies.
      await db.schema
        .createTable("url_signing_keys")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("secret", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("retired_at", "text")
        .execute();
    },
  },
  "0007-webhooks": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("webhook_subscriptions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("namespace_id", "text", (c) => c.notNull().references("namespaces.id"))
        // Null for a subscription to every model of the namespace.
        .addColumn("model_id", "text", (c) => c.references("models.id").onDelete("cascade"))
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("events", "text", (c) => c.notNull())
        .addColumn("description", "text", (c) => c.notNull())
        .addColumn("secret", "text", (c) => c.notNull())
        .addColumn("enabled", "integer", (c) => c.notNull())
        .addColumn("disabled_reason", "text")
        .addColumn("disabled_at", "text")
        .addColumn("consecutive_failures", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_by", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("webhook_subscriptions_namespace")
        .on("webhook_subscriptions")
        .columns(["namespace_id", "model_id"])
        .execute();
      // The outbox: written in the transaction of the change that caused the event.
      await db.schema
        .createTable("webhook_events")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("namespace_id", "text", (c) => c.notNull())
        .addColumn("model_id", "text")
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("fanned_out_at", "text")
        .execute();
      await db.schema
        .createIndex("webhook_events_fanned_out")
        .on("webhook_events")
        .columns(["fanned_out_at", "created_at"])
        .execute();
      await db.schema
        .createTable("webhook_deliveries")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("subscription_id", "text", (c) =>
          c.notNull().references("webhook_subscriptions.id").onDelete("cascade"),
        )
        .addColumn("event_id", "text", (c) => c.notNull().references("webhook_events.id"))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("next_attempt_at", "text")
        .addColumn("redelivery_of", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("webhook_deliveries_due")
        .on("webhook_deliveries")
        .columns(["status", "next_attempt_at"])
        .execute();
      await db.schema
        .createIndex("webhook_deliveries_subscription")
        .on("webhook_deliveries")
        .columns(["subscription_id", "created_at"])
        .execute();
      await db.schema
        .createTable("webhook_attempts")
        .addColumn("delivery_id", "text", (c) =>
          c.notNull().references("webhook_deliveries.id").onDelete("cascade"),
        )
        .addColumn("attempt", "integer", (c) => c.notNull())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("status_code", "integer")
        .addColumn("duration_ms", "integer", (c) => c.notNull())
        .addColumn("error", "text")
        .addPrimaryKeyConstraint("webhook_attempts_pk", ["delivery_id", "attempt"])
        .execute();
    },
  },
  "0008-lfs-upload-tickets": {
    async up(db: Kysely<unknown>) {
      // One-time links for Git LFS uploads, which the Hugging Face clients send without
      // Authorization: only a hash of each link's secret is kept, so the table leaks none.
      await db.schema
        .createTable("lfs_upload_tickets")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("ticket_hash", "text", (c) => c.notNull().unique())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("model_id", "text", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("oid", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("uploaded_at", "text")
        .execute();
      // A commit naming an object asks whether its author uploaded it.
      await db.schema
        .createIndex("lfs_upload_tickets_user_oid")
        .on("lfs_upload_tickets")
        .columns(["user_id", "oid"])
        .execute();
    },
  },
  "0009-download-counts": {
    async up(db: Kysely<unknown>) {
      // One row per version and UTC day, bumped in place by an upsert, so that
      // hub processes sharing the database add to the same figure.
      await db.schema
        .createTable("download_counts")
        .addColumn("version_id", "text", (c) =>
          c.notNull().references("versions.id").onDelete("cascade"),
        )
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("downloads", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("download_counts_pk", ["version_id", "day"])
        .execute();
    },
  },
  "0010-one-pending-access-request": {
    async up(db: Kysely<unknown>) {
      // Two submissions racing past the service's check would both wait for a decision:
      // the database keeps one pending request per grantee and model.
      await sql`create unique index access_requests_one_pending on access_requests (model_id, grantee_id) where status = 'pending'`.execute(
        db,
      );
    },
  },
  "0011-web-sessions": {
    async up(db: Kysely<unknown>) {
      // A user's password for the web UI, as a self-describing scrypt hash; users without one sign in with tokens only.
      await db.schema
        .createTable("user_passwords")
        .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id"))
        .addColumn("hash", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      // Signed-in browsers: only a digest of each session cookie's secret is kept.
      await db.schema
        .createTable("web_sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("secret_hash", "text", (c) => c.notNull().unique())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .addColumn("last_seen_at", "text", (c) => c.notNull())
        .execute();
      // A password change ends the user's other sessions; a sign-in clears their expired ones.
      await db.schema
        .createIndex("web_sessions_user")
        .on("web_sessions")
        .columns(["user_id", "expires_at"])
        .execute();
      // Keys every hub process sharing the database uses alike (the CSRF tokens' HMAC key).
      await db.schema
        .createTable("web_session_keys")
        .addColumn("purpose", "text", (c) => c.primaryKey())
        .addColumn("secret", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
    },
  },
  "0012-oidc-identities": {
    async up(db: Kysely<unknown>) {
      // Who a person is at an OpenID provider: the (issuer, subject) pair, which the
      // provider never reassigns, unlike a user name or an email address.
      await db.schema
        .createTable("oidc_identities")
        .addColumn("issuer", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("oidc_identities_pk", ["issuer", "subject"])
        // One identity per user at each provider, so a link is replaced rather than added to.
        .addUniqueConstraint("oidc_identities_user", ["issuer", "user_id"])
        .execute();
    },
  },
  "0013-served-versions": {
    async up(db: Kysely<unknown>) {
      // Versions the hub runs itself. The model's inputs and outputs are read once at
      // enable, from the immutable file, so metadata and input checks need no loaded model.
      await db.schema
        .createTable("served_versions")
        .addColumn("version_id", "text", (c) =>
          c.primaryKey().references("versions.id").onDelete("cascade"),
        )
        .addColumn("model_id", "text", (c) =>
          c.notNull().references("models.id").onDelete("cascade"),
        )
        .addColumn("workers", "integer", (c) => c.notNull())
        .addColumn("signature", "text", (c) => c.notNull())
        .addColumn("enabled_by", "text", (c) => c.notNull())
        .addColumn("enabled_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("served_versions_model")
        .on("served_versions")
        .column("model_id")
        .execute();
    },
  },
  "0014-serving-batching": {
    async up(db: Kysely<unknown>) {
      // Dynamic batching per served version; null takes the hub's default
      // (GATEHOUSE_SERVE_MAX_BATCH, GATEHOUSE_SERVE_MAX_DELAY_MS), so versions
      // served before keep following it.
      await db.schema.alterTable("served_versions").addColumn("max_batch", "integer").execute();
      await db.schema.alterTable("served_versions").addColumn("max_delay_us", "integer").execute();
    },
  },
  "0015-usage-records": {
    async up(db: Kysely<unknown>) {
      // One row per hosted-inference call. People appear by opaque ids only; the
      // caller's address and user agent live in usage_origins, which erasure blanks.
      await db.schema
        .createTable("usage_records")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("request_id", "text", (c) => c.notNull())
        .addColumn("token_id", "text")
        .addColumn("user_id", "text")
        .addColumn("org_id", "text")
        .addColumn("version_id", "text")
        .addColumn("protocol", "text", (c) => c.notNull())
        .addColumn("endpoint", "text", (c) => c.notNull())
        .addColumn("status", "integer", (c) => c.notNull())
        .addColumn("error_code", "text")
        .addColumn("batch_rows", "integer", (c) => c.notNull())
        .addColumn("input_hash", "text")
        .addColumn("latency_ms", "integer", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("usage_records_at").on("usage_records").column("at").execute();
      for (const column of ["token_id", "user_id", "version_id"]) {
        await db.schema
          .createIndex(`usage_records_${column}`)
          .on("usage_records")
          .columns([column, "at"])
          .execute();
      }
      await db.schema
        .createTable("usage_origins")
        .addColumn("record_id", "text", (c) => c.primaryKey())
        .addColumn("address", "text")
        .addColumn("user_agent", "text")
        .execute();
      // Totals per hour and per UTC day, bumped by upserts. Absent ids are stored as ''
      // rather than null: a unique key treats nulls as distinct, so upserts would add rows.
      await db.schema
        .createTable("usage_rollups")
        .addColumn("period", "text", (c) => c.notNull())
        .addColumn("bucket", "text", (c) => c.notNull())
        .addColumn("version_id", "text", (c) => c.notNull())
        .addColumn("token_id", "text", (c) => c.notNull())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("org_id", "text", (c) => c.notNull())
        .addColumn("requests", "bigint", (c) => c.notNull())
        .addColumn("errors", "bigint", (c) => c.notNull())
        .addColumn("batch_rows", "bigint", (c) => c.notNull())
        .addColumn("latency_sum_ms", "bigint", (c) => c.notNull())
        .addColumn("latency_max_ms", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("usage_rollups_pk", [
          "period",
          "bucket",
          "version_id",
          "token_id",
          "user_id",
          "org_id",
        ])
        .execute();
    },
  },
  "0016-usage-limits": {
    async up(db: Kysely<unknown>) {
      // One set of limits per scope: `default`, `token:<id>`, `user:<id>`, `org:<id>` or
      // `version:<id>`. Ids, not names, so that erasing a person blanks no row here.
      await db.schema
        .createTable("usage_limits")
        .addColumn("scope", "text", (c) => c.primaryKey())
        .addColumn("spec", "text", (c) => c.notNull())
        // What its counters are keyed by: the scope itself, or for a token made by
        // rotation the first token's scope, so that rotating does not refill a quota.
        .addColumn("counter_key", "text", (c) => c.notNull())
        .addColumn("set_by", "text", (c) => c.notNull())
        .addColumn("set_at", "text", (c) => c.notNull())
        .execute();
    },
  },
  "0017-token-rotation": {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("tokens").addColumn("rotated_to", "text").execute();
    },
  },
  "0018-usage-signals": {
    async up(db: Kysely<unknown>) {
      // Abuse signals computed from the usage records. A subject is an opaque id (token,
      // user) or an address key; org_id and version_id are those of the call that opened
      // or last counted the signal, so organisation administrators see their models'.
      await db.schema
        .createTable("usage_signals")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("subject_kind", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("token_id", "text")
        .addColumn("user_id", "text")
        .addColumn("org_id", "text")
        .addColumn("version_id", "text")
        .addColumn("first_seen", "text", (c) => c.notNull())
        .addColumn("last_seen", "text", (c) => c.notNull())
        .addColumn("count", "integer", (c) => c.notNull())
        .addColumn("details", "text", (c) => c.notNull())
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("closed_by", "text")
        .addColumn("closed_at", "text")
        .addColumn("close_reason", "text")
        .execute();
      // At most one open signal per kind and subject, so two hubs cannot both open one.
      await sql`CREATE UNIQUE INDEX usage_signals_open ON usage_signals (kind, subject_kind, subject) WHERE state = 'open'`.execute(
        db,
      );
      await db.schema
        .createIndex("usage_signals_state")
        .on("usage_signals")
        .columns(["state", "last_seen"])
        .execute();
    },
  },
  "0019-usage-tiers": {
    async up(db: Kysely<unknown>) {
      // Namespace ids, not names, so that erasing a person blanks no row here.
      await db.schema
        .createTable("usage_tiers")
        .addColumn("account_id", "text", (c) => c.primaryKey())
        .addColumn("tier", "text")
        .addColumn("pinned", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("since", "text", (c) => c.notNull())
        .execute();
    },
  },
  "0020-usage-tokens": {
    async up(db: Kysely<unknown>) {
      // A language model's calls count tokens; other calls leave these null.
      for (const column of ["prompt_tokens", "completion_tokens", "ttft_ms"]) {
        await db.schema.alterTable("usage_records").addColumn(column, "integer").execute();
      }
    },
  },
  "0021-serving-upstream": {
    async up(db: Kysely<unknown>) {
      // A version served by an engine elsewhere: the OpenAI-compatible base URL and the
      // engine's name for the model. Its API key is in the hub's environment, not here.
      await db.schema.alterTable("served_versions").addColumn("upstream_url", "text").execute();
      await db.schema.alterTable("served_versions").addColumn("upstream_model", "text").execute();
    },
  },
  "0022-usage-rollup-tokens": {
    async up(db: Kysely<unknown>) {
      // A language model's tokens, summed as calls are; totals written before hold none.
      for (const column of ["prompt_tokens", "completion_tokens"]) {
        await db.schema
          .alterTable("usage_rollups")
          .addColumn(column, "bigint", (c) => c.notNull().defaultTo(0))
          .execute();
      }
    },
  },
  "0023-signal-throttle-prior": {
    async up(db: Kysely<unknown>) {
      // The limits a signal's throttle replaced (JSON), which closing the signal brings back.
      await db.schema.alterTable("usage_signals").addColumn("throttled_limits", "text").execute();
    },
  },
  "0024-signal-rules": {
    async up(db: Kysely<unknown>) {
      // Signal actions come from the policy's `signals:` rules, judged again at every trip.
      await db.schema
        .alterTable("usage_signals")
        .addColumn("trips", "integer", (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable("usage_signals")
        .addColumn("rules", "text", (c) => c.notNull().defaultTo("[]"))
        .execute();
    },
  },
  "0025-usage-rollup-caller-indexes": {
    async up(db: Kysely<unknown>) {
      // A spike baseline reads one token's hourly totals, or one user's calls without a
      // token, over a week; the primary key leads with the bucket, so that would read
      // every caller's totals of the week.
      await db.schema
        .createIndex("usage_rollups_token")
        .on("usage_rollups")
        .columns(["period", "token_id", "bucket"])
        .execute();
      await db.schema
        .createIndex("usage_rollups_user")
        .on("usage_rollups")
        .columns(["period", "user_id", "token_id", "bucket"])
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
