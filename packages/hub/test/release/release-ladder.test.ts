import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import {
  createDraft,
  expectError,
  expectStatus,
  sha256,
  type ErrorBody,
} from "../security/support.js";
import { runDueTransitions } from "../../src/release/index.js";
import { cleanCard } from "./clean-card.js";

const WEIGHTS = "weights of the model";

interface Transition {
  readonly id: string;
  readonly status: string;
  readonly from: string;
  readonly to: string;
  readonly failed: readonly { id: string }[];
}

const DEFAULT_POLICY = { GATEHOUSE_DEFAULT_POLICY: "true" };

for (const dialect of DIALECTS) {
  describe(`the release ladder under the default policy (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let rita: string;
    let rob: string;
    let outsider: string;
    const clock = new ManualClock("2026-06-01T09:00:00.000Z");

    before(async () => {
      hub = await startHub(dialect, DEFAULT_POLICY, { clock });
      alice = await hub.createUser("alice");
      rita = await hub.createUser("rita");
      rob = await hub.createUser("rob");
      outsider = await hub.createUser("olga");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: alice, json: { name: "acme" } }),
        201,
      );
      for (const [user, role] of [
        ["rita", "reviewer"],
        ["rob", "reviewer"],
      ] as const) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/acme/members/${user}`, { token: alice, json: { role } }),
          200,
        );
      }
    });
    after(() => hub.close());

    /** Creates acme/NAME starting at `stage`, publishes v1 with `files`, and returns the publish answer. */
    async function publish(
      name: string,
      files: Record<string, string>,
      stage: "private" | "internal" | "open" = "private",
    ): Promise<Record<string, unknown>> {
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: alice,
          json: { id: `acme/${name}`, visibility: stage },
        }),
        201,
      );
      await createDraft(hub, alice, `acme/${name}`, "v1", files);
      const res = await expectStatus(
        hub.request("POST", `/api/models/acme/${name}/versions/v1/publish`, { token: alice }),
        200,
      );
      return (await res.json()) as Record<string, unknown>;
    }

    const transition = (name: string, token: string, body: Record<string, unknown>) =>
      hub.request("POST", `/api/models/acme/${name}/versions/v1/transitions`, {
        token,
        json: body,
      });
    const signoff = (name: string, token: string, verdict: "approve" | "reject") =>
      hub.request("POST", `/api/models/acme/${name}/versions/v1/signoffs`, {
        token,
        json: { verdict, comment: `${verdict}d in a test` },
      });
    const stageOf = async (name: string): Promise<string> => {
      const res = await expectStatus(
        hub.request("GET", `/api/models/acme/${name}/versions/v1`, { token: alice }),
        200,
      );
      return ((await res.json()) as { stage: string }).stage;
    };

    it("keeps a version of an --open model private when the policy refuses open, naming the rules", async () => {
      const published = await publish("bare", { "model.bin": WEIGHTS }, "open");
      assert.equal((published as { stage: string }).stage, "private");
      const refused = (published as { refused: { id: string }[] }).refused.map((r) => r.id);
      assert.deepEqual(refused.sort(), ["card-lint-clean", "licence-known"]);
      // The model is open as a name; its version is not.
      const shell = await expectStatus(hub.request("GET", "/api/models/acme/bare"), 200);
      assert.equal(((await shell.json()) as { sha?: string }).sha, undefined);
      await expectError(
        hub.request("GET", "/api/models/acme/bare/versions/v1"),
        404,
        "REVISION_NOT_FOUND",
      );
    });

    it("refuses a move up with 422, every failed rule named with its message and expression, and changes nothing", async () => {
      await publish("nolicence", { "README.md": "# no card\n", "model.bin": WEIGHTS });
      const body = await expectError(
        transition("nolicence", alice, { to: "open", reason: "release it" }),
        422,
        "POLICY_DENIED",
      );
      const failed = (body.details as { failed: { id: string; expression: string }[] }).failed;
      assert.deepEqual(failed.map((f) => f.id).sort(), ["card-lint-clean", "licence-known"]);
      assert.match(body.error, /licence-known: declare a licence .*\(licence != null\)/);
      assert.equal(await stageOf("nolicence"), "private");
    });

    it("moves a version with a known licence and a clean card to open, where anyone downloads it", async () => {
      await publish("clean", {
        "README.md": cleanCard({ license: "apache-2.0" }),
        "model.bin": WEIGHTS,
      });
      const res = await expectStatus(
        transition("clean", alice, { to: "open", reason: "ready for everyone" }),
        200,
      );
      assert.equal(((await res.json()) as Transition).status, "done");
      const download = await expectStatus(
        hub.request("GET", "/acme/clean/resolve/main/model.bin"),
        200,
      );
      assert.equal(await download.text(), WEIGHTS);
    });

    it("lets a maintainer restrict at once, without policy", async () => {
      const res = await expectStatus(
        transition("clean", alice, { to: "internal", reason: "pulled back for a fix" }),
        200,
      );
      assert.equal(((await res.json()) as Transition).status, "done");
      await expectError(hub.request("GET", "/api/models/acme/clean"), 401, "REPO_NOT_FOUND");
      await expectStatus(hub.request("GET", "/api/models/acme/clean", { token: rita }), 200);
    });

    it("refuses a non-maintainer's stage change and a reviewer's too", async () => {
      await expectError(transition("clean", rita, { to: "open", reason: "x" }), 403, "FORBIDDEN");
      await expectError(
        transition("clean", outsider, { to: "open", reason: "x" }),
        404,
        "REPO_NOT_FOUND",
      );
    });

    it("holds a high-risk version for evidence and two reviewers, never counting the author, then opens it", async () => {
      await publish("risky", {
        "README.md": cleanCard({ license: "apache-2.0", risk_tier: "high" }),
        "model.bin": WEIGHTS,
      });
      const noEvidence = await expectError(
        transition("risky", alice, { to: "gated", reason: "gate it" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(
        (noEvidence.details as { failed: { id: string }[] }).failed.map((f) => f.id).sort(),
        ["high-risk-evidence", "high-risk-two-reviewers"],
      );
      const subject = { sha256: sha256(WEIGHTS), path: "model.bin" };
      const envelope = {
        schemaVersion: 2,
        createdAt: "2026-05-30T00:00:00.000Z",
        producer: { name: "test", version: "1" },
        subject,
        summary: "a report for the test",
        passed: true,
      };
      const reports = [
        {
          ...envelope,
          kind: "security-scan",
          scanner: { name: "scan", version: "1" },
          filesScanned: 1,
          findings: [],
        },
        {
          ...envelope,
          kind: "fairness",
          attribute: "sex",
          metric: "demographic parity",
          groups: [
            { name: "a", value: 0.5 },
            { name: "b", value: 0.52 },
          ],
          disparity: 0.02,
          disparityMeasure: "difference",
          threshold: 0.1,
        },
        {
          ...envelope,
          kind: "ethics-review",
          reviewer: "ethics board",
          conclusion: "approved",
          notes: "fine",
        },
      ];
      for (const report of reports) {
        await expectStatus(
          hub.request("POST", "/api/models/acme/risky/versions/v1/evidence", {
            token: alice,
            json: report,
          }),
          201,
        );
      }
      const pending = await expectStatus(
        transition("risky", alice, { to: "gated", reason: "gate it" }),
        202,
      );
      const view = (await pending.json()) as Transition;
      assert.equal(view.status, "pending");
      assert.deepEqual(
        view.failed.map((f) => f.id),
        ["high-risk-two-reviewers"],
      );
      await expectError(signoff("risky", alice, "approve"), 403, "FORBIDDEN");
      await expectError(signoff("risky", outsider, "approve"), 404, "REPO_NOT_FOUND");
      const first = await expectStatus(signoff("risky", rita, "approve"), 200);
      assert.equal(((await first.json()) as Transition).status, "pending");
      assert.equal(await stageOf("risky"), "private");
      const second = await expectStatus(signoff("risky", rob, "approve"), 200);
      assert.equal(((await second.json()) as Transition).status, "done");
      assert.equal(await stageOf("risky"), "gated");
      // Gated: the card is public, the weights are not.
      await expectStatus(hub.request("GET", "/api/models/acme/risky"), 200);
      const gated = await expectError(
        hub.request("GET", "/acme/risky/resolve/main/model.bin", { token: outsider }),
        403,
        "GATED",
      );
      assert.match(gated.error, /restricted/);
    });

    it("holds a rejected transition until the reviewer approves instead", async () => {
      await publish("held", {
        "README.md": cleanCard({ license: "apache-2.0" }),
        "model.bin": WEIGHTS,
      });
      await expectStatus(
        transition("held", alice, {
          to: "open",
          reason: "at launch",
          at: "2026-06-02T09:00:00.000Z",
        }),
        202,
      );
      await expectStatus(signoff("held", rita, "reject"), 200);
      clock.advance(2 * 86_400);
      await runDueTransitions(hub.built.ctx);
      assert.equal(await stageOf("held"), "private");
      const approved = await expectStatus(signoff("held", rita, "approve"), 200);
      assert.equal(((await approved.json()) as Transition).status, "done");
      assert.equal(await stageOf("held"), "open");
    });

    it("stops a download resumed with Range once the version is withdrawn, and shows a tombstone", async () => {
      await publish("pulled", {
        "README.md": cleanCard({ license: "apache-2.0" }),
        "model.bin": WEIGHTS,
      });
      await expectStatus(transition("pulled", alice, { to: "open", reason: "release" }), 200);
      const first = await expectStatus(
        hub.request("GET", "/acme/pulled/resolve/v1/model.bin", {
          headers: { range: "bytes=0-4" },
        }),
        206,
      );
      assert.equal(await first.text(), WEIGHTS.slice(0, 5));
      await expectStatus(
        transition("pulled", alice, { to: "withdrawn", reason: "leaks training data" }),
        200,
      );
      const resumed = await expectError(
        hub.request("GET", "/acme/pulled/resolve/v1/model.bin", {
          headers: { range: "bytes=5-" },
        }),
        410,
        "WITHDRAWN",
      );
      assert.match(resumed.error, /withdrawn on 2026-\d\d-\d\d: leaks training data/);
      const tomb = await expectStatus(
        hub.request("GET", "/api/models/acme/pulled/versions/v1"),
        200,
      );
      assert.deepEqual(Object.keys((await tomb.json()) as object).sort(), [
        "model",
        "name",
        "reason",
        "stage",
        "state",
        "withdrawnAt",
      ]);
      // Restoring needs an admin, and then a reviewer's sign-off.
      await expectError(
        transition("pulled", alice, { to: "internal", reason: "fixed" }),
        403,
        "FORBIDDEN",
      );
      const restore = await expectStatus(
        transition("pulled", hub.adminToken, { to: "internal", reason: "fixed" }),
        202,
      );
      assert.equal(((await restore.json()) as Transition).status, "pending");
      await expectStatus(signoff("pulled", rita, "approve"), 200);
      assert.equal(await stageOf("pulled"), "internal");
    });

    it("runs an embargo once its time comes, not before, and lets it be cancelled", async () => {
      await publish("embargo", {
        "README.md": cleanCard({ license: "apache-2.0" }),
        "model.bin": WEIGHTS,
      });
      const at = new Date(clock.now().getTime() + 3_600_000).toISOString();
      await expectStatus(transition("embargo", alice, { to: "open", reason: "launch", at }), 202);
      assert.equal(await runDueTransitions(hub.built.ctx), 0);
      assert.equal(await stageOf("embargo"), "private");
      clock.advance(3601);
      assert.equal(await runDueTransitions(hub.built.ctx), 1);
      assert.equal(await stageOf("embargo"), "open");
      assert.equal(await runDueTransitions(hub.built.ctx), 0);

      await expectStatus(
        transition("embargo", alice, {
          to: "internal",
          reason: "again",
          at: new Date(clock.now().getTime() + 60_000).toISOString(),
        }),
        202,
      );
      await expectStatus(
        hub.request("DELETE", "/api/models/acme/embargo/versions/v1/transitions/pending", {
          token: alice,
        }),
        200,
      );
      clock.advance(120);
      assert.equal(await runDueTransitions(hub.built.ctx), 0);
      assert.equal(await stageOf("embargo"), "open");
    });

    it("refuses to publish an unknown licence, and a hidden base model exactly as a missing one", async () => {
      const draft = async (name: string, card: string) => {
        await expectStatus(
          hub.request("POST", "/api/models", { token: alice, json: { id: `acme/${name}` } }),
          201,
        );
        await createDraft(hub, alice, `acme/${name}`, "v1", {
          "README.md": card,
          "w.bin": WEIGHTS,
        });
        return hub.request("POST", `/api/models/acme/${name}/versions/v1/publish`, {
          token: alice,
        });
      };
      const licence = await expectError(
        draft("badlicence", cleanCard({ license: "apache-3.0" })),
        400,
        "INVALID_CARD",
      );
      assert.match(licence.error, /license: .*apache-3\.0/i);
      assert.match(licence.error, /Apache-2\.0/);
      // olga's private model exists; the other does not. The card's author learns nothing from the difference.
      await expectStatus(
        hub.request("POST", "/api/models", { token: outsider, json: { id: "olga/secret" } }),
        201,
      );
      await createDraft(hub, outsider, "olga/secret", "v1", { "w.bin": "secret" });
      await expectStatus(
        hub.request("POST", "/api/models/olga/secret/versions/v1/publish", { token: outsider }),
        200,
      );
      const hidden = await expectError(
        draft("child1", cleanCard({ license: "apache-2.0", base_model: "olga/secret" })),
        400,
        "INVALID_CARD",
      );
      const missing = await expectError(
        draft("child2", cleanCard({ license: "apache-2.0", base_model: "olga/nothing" })),
        400,
        "INVALID_CARD",
      );
      assert.equal(
        hidden.error.replace("olga/secret", "X"),
        missing.error.replace("olga/nothing", "X"),
      );
      for (const name of ["badlicence", "child1", "child2"]) {
        const res = await expectStatus(
          hub.request("GET", `/api/models/acme/${name}/versions/v1`, { token: alice }),
          200,
        );
        assert.equal(((await res.json()) as { state: string }).state, "draft");
      }
    });

    it("flags a fine-tune under a commercial licence of a non-commercial base, and opens it once relicensed", async () => {
      await publish("ncbase", {
        "README.md": cleanCard({ license: "cc-by-nc-4.0" }),
        "w.bin": "base weights",
      });
      await publish("nctune", {
        "README.md": cleanCard({ license: "apache-2.0", base_model: "acme/ncbase" }),
        "w.bin": WEIGHTS,
      });
      const refused = await expectError(
        transition("nctune", alice, { to: "staged", reason: "to partners" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(
        (refused.details as { failed: { id: string }[] }).failed.map((f) => f.id),
        ["lineage-clean"],
      );
      const check = await expectStatus(
        hub.request("GET", "/api/models/acme/nctune/versions/v1/policy-check?to=staged", {
          token: alice,
        }),
        200,
      );
      const explained = (await check.json()) as {
        decision: { outcome: string; results: { id: string }[] };
      };
      assert.equal(explained.decision.outcome, "refuse");
      assert.ok(explained.decision.results.length > 5, "every rule is explained");
      assert.equal(await stageOf("nctune"), "private");
    });

    it("answers bad release input with a 4xx that says what to fix, changing nothing", async () => {
      const cases: [Record<string, unknown>, number, string, RegExp][] = [
        [
          { to: "public", reason: "x" },
          400,
          "BAD_REQUEST",
          /unknown stage "public"; the stages are private, internal/,
        ],
        [
          { to: "open", reason: "x", at: "2020-01-01T00:00:00Z" },
          400,
          "BAD_REQUEST",
          /in the past/,
        ],
        [{ to: "open", reason: "" }, 400, "BAD_REQUEST", /reason/],
        [
          { to: "internal", reason: "x", override: true },
          403,
          "FORBIDDEN",
          /only a hub administrator/,
        ],
      ];
      for (const [body, status, code, message] of cases) {
        const answer: ErrorBody = await expectError(
          transition("nolicence", alice, body),
          status,
          code,
        );
        assert.match(answer.error, message);
      }
      assert.equal(await stageOf("nolicence"), "private");
      const bad = await expectError(
        hub.request("POST", "/api/models/acme/nolicence/versions/v1/evidence", {
          token: alice,
          json: { kind: "fairness", schemaVersion: 2 },
        }),
        400,
        "BAD_REQUEST",
      );
      const errors = (bad.details as { errors: { path: string }[] }).errors.map((e) => e.path);
      assert.ok(errors.length >= 5, `every schema error is listed: ${errors.join(", ")}`);
      const elsewhere = await expectError(
        hub.request("POST", "/api/models/acme/nolicence/versions/v1/evidence", {
          token: alice,
          json: {
            kind: "ethics-review",
            schemaVersion: 2,
            createdAt: "2026-05-30T00:00:00.000Z",
            producer: { name: "test", version: "1" },
            subject: { sha256: "0".repeat(64) },
            summary: "about something else",
            passed: true,
            reviewer: "board",
            conclusion: "approved",
            notes: "",
          },
        }),
        400,
        "BAD_REQUEST",
      );
      assert.match(elsewhere.error, /not a file of acme\/nolicence@v1/);
    });
  });
}
