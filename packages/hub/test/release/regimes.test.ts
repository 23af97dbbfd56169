import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type Dialect, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { createDraft, expectError, expectStatus, sha256 } from "../security/support.js";
import { runDueTransitions } from "../../src/release/index.js";

// The worked examples of docs/examples, run as they are written: each regime's hub loads the
// folder's policy.yaml and publishes the folder's cards, so the docs cannot drift from what runs.
const EXAMPLES = fileURLToPath(new URL("../../../../docs/examples/", import.meta.url));

/** A file of a regime's example folder, as text. */
const example = (regime: string, file = "README.md"): string =>
  readFileSync(path.join(EXAMPLES, regime, file), "utf8");

const WEIGHTS = "weights of the model";
const DAY = 86_400;

interface Transition {
  readonly status: string;
  readonly failed: readonly { id: string }[];
}

/** The ids of the rules a refusal names, sorted. */
const failedIds = (body: { details?: Record<string, unknown> }): string[] =>
  (body.details as { failed: { id: string }[] }).failed.map((f) => f.id).sort();

/** A report of `kind` about `subject`'s bytes, with the envelope every kind shares. */
function report(
  kind: string,
  body: Record<string, unknown>,
  envelope: { createdAt: string; subject?: string; trainingComputeFlops?: number },
): Record<string, unknown> {
  return {
    kind,
    schemaVersion: 2,
    createdAt: envelope.createdAt,
    producer: { name: "acme-safety", version: "1" },
    subject: { sha256: sha256(envelope.subject ?? WEIGHTS), path: "model.safetensors" },
    summary: `a ${kind} report for the worked example`,
    passed: true,
    ...(envelope.trainingComputeFlops === undefined
      ? {}
      : { trainingComputeFlops: envelope.trainingComputeFlops }),
    ...body,
  };
}

const RED_TEAM = {
  team: "acme red team",
  scope: "jailbreaks and misuse uplift, two weeks of manual and automated attacks",
  period: { start: "2026-05-01T00:00:00.000Z", end: "2026-05-15T00:00:00.000Z" },
  findings: [{ severity: "medium", title: "role-play jailbreak", mitigated: true }],
};

/** One regime's hub: an organisation `acme` owned by alice (the author), with reviewer rita. */
interface RegimeHub {
  readonly hub: TestHub;
  readonly clock: ManualClock;
  readonly alice: string;
  readonly rita: string;
  publish(id: string, version: string, files: Record<string, string>): Promise<void>;
  transition(
    id: string,
    version: string,
    token: string,
    body: Record<string, unknown>,
  ): Promise<Response>;
  signoff(id: string, version: string, token: string): Promise<Response>;
  evidence(id: string, version: string, body: Record<string, unknown>): Promise<void>;
  stageOf(id: string, version: string): Promise<string>;
}

async function regimeHub(
  dialect: Dialect,
  regime: string,
  defaultPolicy: boolean,
  orgs: readonly string[] = ["acme"],
): Promise<RegimeHub> {
  const clock = new ManualClock("2026-06-01T09:00:00.000Z");
  const hub = await startHub(
    dialect,
    {
      GATEHOUSE_POLICY_DIR: path.join(EXAMPLES, regime),
      GATEHOUSE_DEFAULT_POLICY: String(defaultPolicy),
    },
    { clock },
  );
  const alice = await hub.createUser("alice");
  const rita = await hub.createUser("rita");
  for (const org of orgs) {
    await expectStatus(
      hub.request("POST", "/api/orgs", { token: alice, json: { name: org } }),
      201,
    );
    await expectStatus(
      hub.request("PUT", `/api/orgs/${org}/members/rita`, {
        token: alice,
        json: { role: "reviewer" },
      }),
      200,
    );
  }
  const created = new Set<string>();
  return {
    hub,
    clock,
    alice,
    rita,
    async publish(id, version, files) {
      if (!created.has(id)) {
        await expectStatus(hub.request("POST", "/api/models", { token: alice, json: { id } }), 201);
        created.add(id);
      }
      await createDraft(hub, alice, id, version, files);
      await expectStatus(
        hub.request("POST", `/api/models/${id}/versions/${version}/publish`, { token: alice }),
        200,
      );
    },
    transition: (id, version, token, body) =>
      hub.request("POST", `/api/models/${id}/versions/${version}/transitions`, {
        token,
        json: body,
      }),
    signoff: (id, version, token) =>
      hub.request("POST", `/api/models/${id}/versions/${version}/signoffs`, {
        token,
        json: { verdict: "approve", comment: "approved for the worked example" },
      }),
    async evidence(id, version, body) {
      await expectStatus(
        hub.request("POST", `/api/models/${id}/versions/${version}/evidence`, {
          token: alice,
          json: body,
        }),
        201,
      );
    },
    async stageOf(id, version) {
      const res = await expectStatus(
        hub.request("GET", `/api/models/${id}/versions/${version}`, { token: alice }),
        200,
      );
      return ((await res.json()) as { stage: string }).stage;
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`worked example llama3-community (${dialect})`, () => {
    let r: RegimeHub;
    const BASE = "meta-llama/Meta-Llama-3-8B";
    before(async () => {
      r = await regimeHub(dialect, "llama3-community", true, ["meta-llama", "acme"]);
      await r.publish(BASE, "v1", {
        "README.md": example("llama3-community", "base-model.md"),
        "model.safetensors": "llama 3 weights",
      });
    });
    after(() => r.hub.close());

    it("refuses a fine-tune that drops the Llama 3 name and the NOTICE file, naming the licence rules", async () => {
      await r.publish("acme/support-bot", "v1", {
        "README.md": example("llama3-community"),
        "model.safetensors": WEIGHTS,
      });
      const refused = await expectError(
        r.transition("acme/support-bot", "v1", r.alice, { to: "gated", reason: "release" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), ["lineage-clean", "llama3-derivative-terms"]);
      assert.match(refused.error, /Llama 3 licence §1\.b\.i/);
      assert.equal(await r.stageOf("acme/support-bot", "v1"), "private");
    });

    it("gates a fine-tune named Llama 3… with the attribution and NOTICE, and refuses it open", async () => {
      const id = "acme/Llama-3-8B-support";
      await r.publish(id, "v1", {
        "README.md": example("llama3-community"),
        NOTICE: example("llama3-community", "NOTICE"),
        "model.safetensors": WEIGHTS,
      });
      const open = await expectError(
        r.transition(id, "v1", r.alice, { to: "open", reason: "everyone" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(open), ["llama3-no-open-weights"]);
      const gated = await expectStatus(
        r.transition(id, "v1", r.alice, { to: "gated", reason: "licence accepted per requester" }),
        200,
      );
      assert.equal(((await gated.json()) as Transition).status, "done");
      assert.equal(await r.stageOf(id, "v1"), "gated");
    });

    it("refuses a gated release whose card has no gate form or MAU attestation", async () => {
      const id = "acme/Llama-3-8B-bare";
      const card = example("llama3-community")
        .replace(/^licensee_monthly_active_users: .*\n/m, "")
        .replace(/^extra_gated_fields:\n(?: {2}.*\n)+/m, "");
      await r.publish(id, "v1", {
        "README.md": card,
        NOTICE: example("llama3-community", "NOTICE"),
        "model.safetensors": WEIGHTS,
      });
      const refused = await expectError(
        r.transition(id, "v1", r.alice, { to: "gated", reason: "release" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), ["llama3-gate-form", "llama3-mau-cap"]);
    });
  });

  describe(`worked example gemma-flow-down (${dialect})`, () => {
    let r: RegimeHub;
    before(async () => {
      r = await regimeHub(dialect, "gemma-flow-down", true, ["google", "acme"]);
      await r.publish("google/gemma-7b", "v1", {
        "README.md": example("gemma-flow-down", "base-model.md"),
        NOTICE: example("gemma-flow-down", "NOTICE"),
        "model.safetensors": "gemma weights",
      });
    });
    after(() => r.hub.close());

    it("refuses a distilled student under Apache-2.0, which drops Gemma's restrictions", async () => {
      const id = "acme/gemma-distilled-2b-apache";
      await r.publish(id, "v1", {
        "README.md": example("gemma-flow-down").replace(/^license: gemma$/m, "license: apache-2.0"),
        NOTICE: example("gemma-flow-down", "NOTICE"),
        "model.safetensors": WEIGHTS,
      });
      const refused = await expectError(
        r.transition(id, "v1", r.alice, { to: "staged", reason: "to partners" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), ["gemma-restrictions-flow-down", "lineage-clean"]);
    });

    it("gates the student under the Gemma terms with its NOTICE", async () => {
      const id = "acme/gemma-distilled-2b";
      await r.publish(id, "v1", {
        "README.md": example("gemma-flow-down"),
        NOTICE: example("gemma-flow-down", "NOTICE"),
        "model.safetensors": WEIGHTS,
      });
      await expectStatus(
        r.transition(id, "v1", r.alice, { to: "gated", reason: "acknowledge and download" }),
        200,
      );
      assert.equal(await r.stageOf(id, "v1"), "gated");
    });

    it("refuses the same student without its NOTICE file", async () => {
      const id = "acme/gemma-distilled-2b-nonotice";
      await r.publish(id, "v1", {
        "README.md": example("gemma-flow-down"),
        "model.safetensors": WEIGHTS,
      });
      const refused = await expectError(
        r.transition(id, "v1", r.alice, { to: "gated", reason: "release" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), ["gemma-notice", "lineage-clean"]);
    });
  });

  describe(`worked example gpt2-staged (${dialect})`, () => {
    let r: RegimeHub;
    let partner: string;
    const ID = "acme/gpt2";
    const SIZES = ["124m", "355m", "774m", "1558m"] as const;
    before(async () => {
      r = await regimeHub(dialect, "gpt2-staged", true);
      partner = await r.hub.createUser("cornell");
      for (const size of SIZES) {
        await r.publish(ID, size, {
          "README.md": example("gpt2-staged"),
          "model.safetensors": `${WEIGHTS} ${size}`,
        });
        // Sizes are ordered by publication time; a second apart keeps that order strict.
        r.clock.advance(1);
      }
      await expectStatus(
        r.hub.request("PUT", `/api/models/${ID}/testers/cornell`, { token: r.alice }),
        204,
      );
      for (const size of SIZES) {
        await expectStatus(
          r.transition(ID, size, r.alice, { to: "staged", reason: "to partners" }),
          200,
        );
      }
    });
    after(() => r.hub.close());

    it("opens the smallest size once a reviewer approves", async () => {
      const pending = await expectStatus(
        r.transition(ID, "124m", r.alice, { to: "open", reason: "first size" }),
        202,
      );
      assert.deepEqual(
        ((await pending.json()) as Transition).failed.map((f) => f.id),
        ["gpt2-reviewer-signoff"],
      );
      await expectStatus(r.signoff(ID, "124m", r.rita), 200);
      assert.equal(await r.stageOf(ID, "124m"), "open");
    });

    it("refuses a size whose smaller sizes are not all open", async () => {
      const refused = await expectError(
        r.transition(ID, "774m", r.alice, { to: "open", reason: "too early" }),
        422,
        "POLICY_DENIED",
      );
      // Every failed rule is named; the one that refuses rather than waits is the order of sizes.
      assert.deepEqual(failedIds(refused), [
        "gpt2-earlier-sizes-90-days",
        "gpt2-earlier-sizes-open",
        "gpt2-reviewer-signoff",
      ]);
    });

    it("holds the next size until the previous one has been open 90 days, then opens it", async () => {
      const pending = await expectStatus(
        r.transition(ID, "355m", r.alice, { to: "open", reason: "second size" }),
        202,
      );
      assert.deepEqual(((await pending.json()) as Transition).failed.map((f) => f.id).sort(), [
        "gpt2-earlier-sizes-90-days",
        "gpt2-reviewer-signoff",
      ]);
      const signed = await expectStatus(r.signoff(ID, "355m", r.rita), 200);
      assert.deepEqual(
        ((await signed.json()) as Transition).failed.map((f) => f.id),
        ["gpt2-earlier-sizes-90-days"],
      );
      r.clock.advance(89 * DAY);
      assert.equal(await runDueTransitions(r.hub.built.ctx), 0);
      assert.equal(await r.stageOf(ID, "355m"), "staged");
      r.clock.advance(DAY);
      assert.equal(await runDueTransitions(r.hub.built.ctx), 1);
      assert.equal(await r.stageOf(ID, "355m"), "open");
      // A partner downloads a staged size; the public does not, until it opens.
      const staged = await expectStatus(
        r.hub.request("GET", `/${ID}/resolve/774m/model.safetensors`, { token: partner }),
        200,
      );
      assert.equal(await staged.text(), `${WEIGHTS} 774m`);
      await expectError(
        r.hub.request("GET", `/${ID}/resolve/774m/model.safetensors`),
        404,
        "REVISION_NOT_FOUND",
      );
    });
  });

  describe(`worked example openrail-m (${dialect})`, () => {
    let r: RegimeHub;
    const BASE = "bigscience/bloom-560m";
    before(async () => {
      r = await regimeHub(dialect, "openrail-m", true, ["bigscience", "acme"]);
      await r.publish(BASE, "v1", {
        "README.md": example("openrail-m", "base-model.md"),
        "model.safetensors": "bloom weights",
      });
    });
    after(() => r.hub.close());

    it("opens the OpenRAIL-M base, its card listing the licence's use restrictions", async () => {
      await expectStatus(r.transition(BASE, "v1", r.alice, { to: "open", reason: "open" }), 200);
      const download = await expectStatus(
        r.hub.request("GET", `/${BASE}/resolve/main/model.safetensors`),
        200,
      );
      assert.equal(await download.text(), "bloom weights");
    });

    it("refuses a distilled student licensed Apache-2.0: the restrictions must flow down", async () => {
      const id = "acme/bloom-160m-student-apache";
      await r.publish(id, "v1", {
        "README.md": example("openrail-m").replace(
          /^license: bigscience-openrail-m$/m,
          "license: apache-2.0",
        ),
        "model.safetensors": WEIGHTS,
      });
      const refused = await expectError(
        r.transition(id, "v1", r.alice, { to: "open", reason: "release" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), ["lineage-clean", "openrail-restrictions-flow-down"]);
    });

    it("refuses a card that forgets a restriction or claims a forbidden use", async () => {
      const id = "acme/bloom-160m-student-medical";
      await r.publish(id, "v1", {
        "README.md": example("openrail-m")
          .replace(/^ {2}- law-enforcement\n/m, "")
          .replace(/^ {2}- summarisation$/m, "  - medical-advice"),
        "model.safetensors": WEIGHTS,
      });
      const refused = await expectError(
        r.transition(id, "v1", r.alice, { to: "open", reason: "release" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), [
        "openrail-card-lists-restrictions",
        "openrail-intended-uses-allowed",
      ]);
    });

    it("opens the student under OpenRAIL-M", async () => {
      const id = "acme/bloom-160m-student";
      await r.publish(id, "v1", {
        "README.md": example("openrail-m"),
        "model.safetensors": WEIGHTS,
      });
      await expectStatus(r.transition(id, "v1", r.alice, { to: "open", reason: "release" }), 200);
      assert.equal(await r.stageOf(id, "v1"), "open");
    });
  });

  describe(`worked example rsp-capability (${dialect})`, () => {
    let r: RegimeHub;
    let ceo: string;
    let rso: string;
    const ID = "acme/frontier-1";
    before(async () => {
      r = await regimeHub(dialect, "rsp-capability", false);
      ceo = await r.hub.createUser("carol");
      rso = await r.hub.createUser("sam");
      for (const [user, role] of [
        ["carol", "ceo"],
        ["sam", "responsible-scaling-officer"],
      ] as const) {
        await expectStatus(
          r.hub.request("PUT", `/api/orgs/acme/members/${user}`, {
            token: r.alice,
            json: { role: "reviewer" },
          }),
          200,
        );
        await expectStatus(
          r.hub.request("PUT", `/api/orgs/acme/members/${user}/signoff-roles`, {
            token: r.alice,
            json: { roles: [role] },
          }),
          200,
        );
      }
      await r.publish(ID, "v1", {
        "README.md": example("rsp-capability"),
        "model.safetensors": WEIGHTS,
      });
    });
    after(() => r.hub.close());

    const capabilityReport = (trainingComputeFlops: number) =>
      report(
        "capability-report",
        {
          thresholds: [
            { id: "cbrn-3", crossed: true },
            { id: "cbrn-4", crossed: false },
            { id: "ai-rnd-4", crossed: false },
          ],
          requiredAsl: 3,
          effectiveCompute: trainingComputeFlops,
          elicitation: "helpful-only fine-tune, best-of-16, 40 hours of expert prompting",
        },
        { createdAt: "2026-05-25T00:00:00.000Z", trainingComputeFlops },
      );

    it("refuses api without evidence, and straight from private", async () => {
      const refused = await expectError(
        r.transition(ID, "v1", r.alice, { to: "api", reason: "launch" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), [
        "rsp-ceo-and-rso",
        "rsp-evidence",
        "rsp-through-staged",
      ]);
    });

    it("blocks promotion on a capability report made at a quarter of the declared compute", async () => {
      // The card declares 4e24 FLOPs; a report made at 1e24 is about a notably less capable model.
      await r.evidence(ID, "v1", capabilityReport(1e24));
      await r.evidence(
        ID,
        "v1",
        report("red-team", RED_TEAM, { createdAt: "2026-05-25T00:00:00.000Z" }),
      );
      const refused = await expectError(
        r.transition(ID, "v1", r.alice, { to: "staged", reason: "trusted users" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), ["rsp-capability-report-current"]);
      assert.equal(await r.stageOf(ID, "v1"), "private");
    });

    it("goes to api after a current report, the CEO's and the RSO's approval and 14 days in staged", async () => {
      await r.evidence(ID, "v1", capabilityReport(3.5e24));
      await expectStatus(
        r.transition(ID, "v1", r.alice, { to: "staged", reason: "trusted users" }),
        200,
      );
      const pending = await expectStatus(
        r.transition(ID, "v1", r.alice, { to: "api", reason: "launch" }),
        202,
      );
      assert.deepEqual(((await pending.json()) as Transition).failed.map((f) => f.id).sort(), [
        "rsp-ceo-and-rso",
        "rsp-staged-14-days",
      ]);
      // A reviewer's approval is not the CEO's.
      await expectStatus(r.signoff(ID, "v1", r.rita), 200);
      await expectStatus(r.signoff(ID, "v1", ceo), 200);
      const both = await expectStatus(r.signoff(ID, "v1", rso), 200);
      assert.deepEqual(
        ((await both.json()) as Transition).failed.map((f) => f.id),
        ["rsp-staged-14-days"],
      );
      r.clock.advance(13 * DAY);
      assert.equal(await runDueTransitions(r.hub.built.ctx), 0);
      assert.equal(await r.stageOf(ID, "v1"), "staged");
      r.clock.advance(DAY);
      assert.equal(await runDueTransitions(r.hub.built.ctx), 1);
      assert.equal(await r.stageOf(ID, "v1"), "api");
    });

    it("never opens the weights, not even on an administrator's override", async () => {
      const refused = await expectError(
        r.transition(ID, "v1", r.alice, { to: "open", reason: "open weights" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), ["rsp-ceo-and-rso", "rsp-never-open"]);
      const overridden = await expectError(
        r.transition(ID, "v1", r.hub.adminToken, {
          to: "open",
          reason: "open weights",
          override: true,
        }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(overridden), ["rsp-ceo-and-rso", "rsp-never-open"]);
      assert.equal(await r.stageOf(ID, "v1"), "api");
    });
  });

  describe(`worked example eu-ai-act-gpai (${dialect})`, () => {
    let r: RegimeHub;
    const ID = "acme/eu-general-7";
    before(async () => {
      r = await regimeHub(dialect, "eu-ai-act-gpai", false);
    });
    after(() => r.hub.close());

    it("rates the model systemic from its compute and refuses api without the Art 53 and 55 duties", async () => {
      await r.publish(ID, "v1", {
        "README.md": example("eu-ai-act-gpai")
          .replace(/^copyright_policy: .*\n/m, "")
          .replace(/^training_data_summary: .*\n/m, ""),
        "model.safetensors": WEIGHTS,
      });
      const refused = await expectError(
        r.transition(ID, "v1", r.alice, { to: "api", reason: "EU launch" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(refused), [
        "eu-copyright-policy",
        "eu-reviewer-signoff",
        "eu-systemic-cybersecurity",
        "eu-systemic-evaluation",
        "eu-training-content-summary",
      ]);
      assert.match(refused.error, /text-and-data-mining opt-outs/);
    });

    it("places the model on the market by api once the card and evidence are complete and a reviewer approves", async () => {
      await r.publish(ID, "v2", {
        "README.md": example("eu-ai-act-gpai"),
        "model.safetensors": WEIGHTS,
      });
      const createdAt = "2026-05-28T00:00:00.000Z";
      await r.evidence(
        ID,
        "v2",
        report(
          "evaluation",
          {
            dataset: { name: "mmlu" },
            split: { name: "test" },
            metrics: { accuracy: 0.71 },
            passed: null,
          },
          { createdAt },
        ),
      );
      await r.evidence(ID, "v2", report("red-team", RED_TEAM, { createdAt }));
      const missingScan = await expectError(
        r.transition(ID, "v2", r.alice, { to: "api", reason: "EU launch" }),
        422,
        "POLICY_DENIED",
      );
      assert.deepEqual(failedIds(missingScan), [
        "eu-reviewer-signoff",
        "eu-systemic-cybersecurity",
      ]);
      await r.evidence(
        ID,
        "v2",
        report(
          "security-scan",
          { scanner: { name: "modelscan", version: "0.8" }, filesScanned: 1, findings: [] },
          { createdAt },
        ),
      );
      const pending = await expectStatus(
        r.transition(ID, "v2", r.alice, { to: "api", reason: "EU launch" }),
        202,
      );
      assert.deepEqual(
        ((await pending.json()) as Transition).failed.map((f) => f.id),
        ["eu-reviewer-signoff"],
      );
      await expectStatus(r.signoff(ID, "v2", r.rita), 200);
      assert.equal(await r.stageOf(ID, "v2"), "api");
      const transparency = await expectStatus(
        r.hub.request("GET", `/api/models/${ID}/transparency?version=v2`),
        200,
      );
      assert.equal(((await transparency.json()) as { riskTier: string }).riskTier, "systemic");
    });
  });
}
