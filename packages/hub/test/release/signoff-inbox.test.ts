import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import {
  createDraft,
  createToken,
  expectError,
  expectStatus,
  sha256,
} from "../security/support.js";
import { cleanCard } from "./clean-card.js";

const WEIGHTS = "weights of the model";

/** A release policy with a two-person rule: an ethics review, then two different reviewers. */
const TWO_PERSON = `policy: two-person
rules:
  - id: ethics-review-attached
    description: A version's weights leave only with a passing ethics review.
    when: transition.to in ['gated', 'open']
    require: evidence.exists(e, e.kind == 'ethics-review' && e.passed != false && !e.stale)
    message: attach a passing ethics-review report
  - id: two-reviewers
    description: Two different reviewers approve before the weights leave.
    when: transition.to in ['gated', 'open']
    require: >-
      signoffs.exists(a, a.verdict == 'approve' && 'reviewer' in a.roles &&
        signoffs.exists(b, b.verdict == 'approve' && 'reviewer' in b.roles && b.user != a.user))
    message: two different reviewers (not the author) must approve
    awaits: signoffs
`;

const ETHICS_REVIEW = {
  kind: "ethics-review",
  schemaVersion: 2,
  createdAt: "2026-05-30T00:00:00.000Z",
  producer: { name: "ethics board", version: "1" },
  subject: { sha256: sha256(WEIGHTS), path: "model.bin" },
  summary: "reviewed against the board's checklist",
  passed: true,
  reviewer: "ethics board",
  conclusion: "approved",
  notes: "",
};

interface RuleResult {
  readonly id: string;
  readonly applies: boolean;
  readonly passed: boolean;
  readonly awaits: string | null;
  readonly message: string | null;
}

interface PendingChange {
  readonly model: string;
  readonly version: string;
  readonly stage: string;
  readonly transition: { readonly id: string; readonly to: string; readonly status: string };
  readonly decision: { readonly outcome: string; readonly results: readonly RuleResult[] };
  readonly signoffs: readonly { user: string; verdict: string; roles: string[] }[];
  readonly approvals: { readonly needed: number | null; readonly from: readonly string[] };
}

for (const dialect of DIALECTS) {
  describe(`pending changes and the sign-off inbox (${dialect})`, () => {
    let hub: TestHub;
    let policyDir: string;
    const clock = new ManualClock("2026-06-01T09:00:00.000Z");
    const tokens: Record<string, string> = {};

    before(async () => {
      policyDir = await mkdtemp(path.join(tmpdir(), "gatehouse-policy-"));
      await writeFile(path.join(policyDir, "two-person.yaml"), TWO_PERSON);
      hub = await startHub(dialect, { GATEHOUSE_POLICY_DIR: policyDir }, { clock });
      for (const name of ["alice", "rita", "rob", "mia", "carl", "olga", "vic"]) {
        tokens[name] = await hub.createUser(name);
      }
      const as = (name: string): string => tokens[name] ?? "";
      for (const [org, owner] of [
        ["acme", "alice"],
        ["other", "vic"],
      ] as const) {
        await expectStatus(
          hub.request("POST", "/api/orgs", { token: as(owner), json: { name: org } }),
          201,
        );
      }
      for (const [user, role] of [
        ["rita", "reviewer"],
        ["rob", "reviewer"],
        ["mia", "maintainer"],
        ["carl", "member"],
      ] as const) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/acme/members/${user}`, {
            token: as("alice"),
            json: { role },
          }),
          200,
        );
      }
      for (const name of ["risky", "later"]) {
        await expectStatus(
          hub.request("POST", "/api/models", {
            token: as("alice"),
            json: { id: `acme/${name}`, visibility: "internal" },
          }),
          201,
        );
        await createDraft(hub, as("alice"), `acme/${name}`, "v1", {
          "README.md": cleanCard({ license: "apache-2.0" }),
          "model.bin": WEIGHTS,
        });
        await expectStatus(
          hub.request("POST", `/api/models/acme/${name}/versions/v1/publish`, {
            token: as("alice"),
          }),
          200,
        );
      }
    });
    after(async () => {
      await hub.close();
      await rm(policyDir, { recursive: true, force: true });
    });

    const as = (name: string): string => tokens[name] ?? "";
    const pending = (model: string, token: string) =>
      hub.request("GET", `/api/models/acme/${model}/versions/v1/transitions/pending`, { token });
    const inbox = async (token: string): Promise<PendingChange[]> => {
      const res = await expectStatus(hub.request("GET", "/api/inbox/signoffs", { token }), 200);
      return (await res.json()) as PendingChange[];
    };
    const signoff = (token: string, verdict: "approve" | "reject") =>
      hub.request("POST", "/api/models/acme/risky/versions/v1/signoffs", {
        token,
        json: { verdict, comment: `${verdict}d after reading the review` },
      });
    const permissions = async (token?: string): Promise<string[]> => {
      const res = await expectStatus(
        hub.request("GET", "/api/models/acme/risky", token === undefined ? {} : { token }),
        200,
      );
      return ((await res.json()) as { gatehouse: { permissions: string[] } }).gatehouse.permissions;
    };

    it("reports in model info what the caller may do to the model, as the model's routes decide", async () => {
      assert.deepEqual(await permissions(as("alice")), [
        "version.create",
        "version.upload",
        "version.publish",
        "version.release",
        "version.review",
        "model.manage-access",
        "model.manage-webhooks",
        "model.delete",
      ]);
      assert.deepEqual(await permissions(as("rita")), ["version.review", "model.manage-access"]);
      assert.deepEqual(await permissions(as("mia")), [
        "version.create",
        "version.upload",
        "version.publish",
        "version.release",
        "model.manage-access",
        "model.manage-webhooks",
      ]);
      assert.deepEqual(await permissions(as("carl")), []);
      const ritaRead = await createToken(hub, as("rita"), { scopes: ["read"] });
      assert.deepEqual(await permissions(ritaRead.token), []);
      // What the permissions promise, the routes keep: a reviewer may not release.
      await expectError(
        hub.request("GET", "/api/models/acme/risky/versions/v1/policy-check?to=gated", {
          token: as("rita"),
        }),
        403,
        "FORBIDDEN",
      );
    });

    it("answers 404 saying so when a version has no pending change", async () => {
      const none = await expectError(pending("risky", as("alice")), 404, "NOT_FOUND");
      assert.equal(none.error, "acme/risky@v1 has no pending stage change");
    });

    it("keeps a refused request out of the inbox: nothing is pending", async () => {
      const refused = await expectError(
        hub.request("POST", "/api/models/acme/risky/versions/v1/transitions", {
          token: as("alice"),
          json: { to: "gated", reason: "partners asked" },
        }),
        422,
        "POLICY_DENIED",
      );
      const failed = (refused.details as { failed: { id: string }[] }).failed.map((f) => f.id);
      assert.deepEqual(failed, ["ethics-review-attached", "two-reviewers"]);
      await expectError(pending("risky", as("alice")), 404, "NOT_FOUND");
      assert.deepEqual(await inbox(as("rita")), []);
    });

    it("shows a pending change rule by rule, who signed and how many more approvals it needs", async () => {
      await expectStatus(
        hub.request("POST", "/api/models/acme/risky/versions/v1/evidence", {
          token: as("alice"),
          json: ETHICS_REVIEW,
        }),
        201,
      );
      await expectStatus(
        hub.request("POST", "/api/models/acme/risky/versions/v1/transitions", {
          token: as("alice"),
          json: { to: "gated", reason: "partners asked" },
        }),
        202,
      );
      const res = await expectStatus(pending("risky", as("mia")), 200);
      const change = (await res.json()) as PendingChange;
      assert.equal(change.model, "acme/risky");
      assert.equal(change.stage, "internal");
      assert.equal(change.transition.to, "gated");
      assert.equal(change.decision.outcome, "pending");
      assert.deepEqual(
        change.decision.results.map((r) => [r.id, r.applies, r.passed, r.awaits]),
        [
          ["ethics-review-attached", true, true, null],
          ["two-reviewers", true, false, "signoffs"],
        ],
      );
      assert.deepEqual(change.signoffs, []);
      assert.deepEqual(change.approvals, { needed: 2, from: ["rita", "rob"] });
      // Reviewers sign from their inbox; the release view is the maintainers'.
      await expectError(pending("risky", as("rita")), 403, "FORBIDDEN");
      await expectError(pending("risky", as("olga")), 404, "REPO_NOT_FOUND");
    });

    it("lists the change in each reviewer's inbox, never the author's, a member's or another organisation's", async () => {
      for (const reviewer of ["rita", "rob"]) {
        const [item, ...more] = await inbox(as(reviewer));
        assert.deepEqual(more, []);
        assert.equal(item?.model, "acme/risky");
        assert.equal(item.version, "v1");
        assert.equal(item.approvals.needed, 2);
      }
      // alice owns acme and may sign, but she published the version.
      for (const nobody of ["alice", "mia", "carl", "olga", "vic"]) {
        assert.deepEqual(await inbox(as(nobody)), [], nobody);
      }
      const admin = await inbox(hub.adminToken);
      assert.deepEqual(
        admin.map((c) => c.model),
        ["acme/risky"],
      );
    });

    it("leaves a change that waits only for its embargo out of the inbox", async () => {
      await expectStatus(
        hub.request("POST", "/api/models/acme/later/versions/v1/transitions", {
          token: as("alice"),
          json: { to: "staged", reason: "at launch", at: "2026-06-10T09:00:00.000Z" },
        }),
        202,
      );
      const res = await expectStatus(pending("later", as("alice")), 200);
      const change = (await res.json()) as PendingChange;
      assert.equal(change.decision.outcome, "allow");
      assert.deepEqual(change.approvals, { needed: 0, from: [] });
      assert.deepEqual(
        (await inbox(as("rita"))).map((c) => c.model),
        ["acme/risky"],
      );
    });

    it("moves the change out of a reviewer's inbox once they approve, and runs it at the second approval", async () => {
      await expectStatus(signoff(as("rita"), "approve"), 200);
      assert.deepEqual(await inbox(as("rita")), []);
      const [left] = await inbox(as("rob"));
      assert.deepEqual(left?.approvals, { needed: 1, from: ["rob"] });
      assert.deepEqual(
        left.signoffs.map((s) => [s.user, s.verdict, s.roles]),
        [["rita", "approve", ["reviewer"]]],
      );
      const done = await expectStatus(signoff(as("rob"), "approve"), 200);
      assert.equal(((await done.json()) as { status: string }).status, "done");
      assert.deepEqual(await inbox(as("rob")), []);
      await expectError(pending("risky", as("alice")), 404, "NOT_FOUND");
    });

    it("refuses the inbox to anonymous callers, read-only tokens and tokens restricted to a model", async () => {
      await expectError(hub.request("GET", "/api/inbox/signoffs"), 401, "UNAUTHENTICATED");
      const read = await createToken(hub, as("rita"), { scopes: ["read"] });
      await expectError(
        hub.request("GET", "/api/inbox/signoffs", { token: read.token }),
        403,
        "INSUFFICIENT_SCOPE",
      );
      const restricted = await createToken(hub, as("rita"), {
        scopes: ["read", "write"],
        model: "acme/risky",
      });
      const body = await expectError(
        hub.request("GET", "/api/inbox/signoffs", { token: restricted.token }),
        403,
        "FORBIDDEN",
      );
      assert.match(body.error, /restricted to one model/);
    });
  });
}
