import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectStatus, sha256 } from "../audit/audit-support.js";
import { publishVersion } from "../compat/private-model.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";

const WEIGHTS = Buffer.from("weights of the base model\n");

const cardOf = (front: string): Buffer => Buffer.from(`---\n${front.trim()}\n---\n# Model\n`);

interface Report {
  readonly model: string;
  readonly version: string;
  readonly stage: string;
  readonly strengths: {
    readonly evaluations: readonly {
      id: string;
      dataset: string | null;
      split: string | null;
      metrics: Record<string, number | null>;
      provenance: string;
    }[];
  };
  readonly restrictions: {
    readonly whoMay: Record<string, string>;
    readonly audience: Record<string, string[]>;
  };
  readonly evidence: readonly { id: string; kind: string }[];
  readonly lineage: readonly { model: string; relation: string }[];
  readonly derived: readonly { model: string; version: string; relation: string }[];
}

for (const dialect of DIALECTS) {
  describe(`a model's transparency report (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let bob: string;
    let carol: string;

    async function report(id: string, token?: string, version?: string): Promise<Report> {
      const query = version === undefined ? "" : `?version=${version}`;
      const res = await expectStatus(
        hub.request("GET", `/api/models/${id}/transparency${query}`, {
          ...(token === undefined ? {} : { token }),
        }),
        200,
      );
      return (await res.json()) as Report;
    }

    async function createModel(token: string, id: string, visibility: string): Promise<void> {
      await expectStatus(
        hub.request("POST", "/api/models", { token, json: { id, visibility } }),
        201,
      );
    }

    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
      bob = await hub.createUser("bob");
      carol = await hub.createUser("carol");
      await createModel(alice, "alice/base", "open");
      await publishVersion(hub, alice, "alice/base", "v1", {
        "README.md": cardOf("license: apache-2.0\nlimitations: [English only]"),
        "model.onnx": WEIGHTS,
      });
      await publishVersion(hub, alice, "alice/base", "v2", {
        "README.md": cardOf("license: apache-2.0"),
        "model.onnx": WEIGHTS,
      });
      await expectStatus(
        hub.request("POST", "/api/models/alice/base/versions/v2/evidence", {
          token: alice,
          json: {
            kind: "evaluation",
            schemaVersion: 2,
            createdAt: "2026-01-01T00:00:00.000Z",
            producer: { name: "tests", version: "1" },
            subject: { sha256: sha256(WEIGHTS), path: "model.onnx" },
            summary: "accuracy 0.9 on the held-out split",
            passed: null,
            dataset: { name: "spam" },
            split: { name: "test" },
            metrics: { accuracy: 0.9, f1: 0.85 },
          },
        }),
        201,
      );
      // Bob fine-tunes it in the open; Carol quantizes it privately; an older version of
      // Bob's names the base in another case.
      await createModel(bob, "bob/tuned", "open");
      await publishVersion(hub, bob, "bob/tuned", "v1", {
        "README.md": cardOf("license: apache-2.0\nbase_model: Alice/Base"),
      });
      await publishVersion(hub, bob, "bob/tuned", "v2", {
        "README.md": cardOf("license: apache-2.0\nbase_model: alice/base@v2"),
      });
      await createModel(carol, "carol/small", "private");
      await publishVersion(hub, carol, "carol/small", "v1", {
        "README.md": cardOf(
          "license: apache-2.0\nbase_model: alice/base\nbase_model_relation: quantized",
        ),
      });
      await expectStatus(
        hub.request("POST", "/api/models/alice/base/versions/v1/transitions", {
          token: alice,
          json: { to: "withdrawn", reason: "leaks training data" },
        }),
        200,
      );
    });
    after(() => hub.close());

    it("gives the evaluations with their metrics, and who may do what as codes and in words", async () => {
      const r = await report("alice/base");
      assert.equal(r.version, "v2");
      const [evaluation] = r.strengths.evaluations;
      assert.ok(evaluation !== undefined);
      assert.deepEqual(
        {
          dataset: evaluation.dataset,
          split: evaluation.split,
          metrics: evaluation.metrics,
          provenance: evaluation.provenance,
        },
        {
          dataset: "spam",
          split: "test",
          metrics: { accuracy: 0.9, f1: 0.85 },
          provenance: "publisher-attested",
        },
      );
      assert.equal(evaluation.id, r.evidence[0]?.id);
      assert.deepEqual(r.restrictions.audience, {
        see: ["everyone"],
        download: ["everyone"],
        call: ["signed-in"],
      });
      assert.deepEqual(r.restrictions.whoMay, {
        see: "everyone, without signing in",
        download: "everyone, without signing in",
        call: "anyone signed in",
      });
    });

    it("lists the models whose cards name it as their base, only those the caller may see", async () => {
      assert.deepEqual((await report("alice/base")).derived, [
        { model: "bob/tuned", version: "v2", relation: "finetune" },
      ]);
      assert.deepEqual((await report("alice/base", carol)).derived, [
        { model: "bob/tuned", version: "v2", relation: "finetune" },
        { model: "carol/small", version: "v1", relation: "quantized" },
      ]);
      assert.deepEqual((await report("alice/base", hub.adminToken)).derived.length, 2);
      assert.deepEqual((await report("bob/tuned")).lineage, [
        { model: "alice/base", version: "v2", relation: "finetune" },
      ]);
    });

    it("gives a withdrawn version's tombstone and nothing else", async () => {
      const res = await expectStatus(
        hub.request("GET", "/api/models/alice/base/transparency?version=v1"),
        200,
      );
      const tombstone = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(tombstone).sort(), [
        "model",
        "reason",
        "stage",
        "version",
        "withdrawnAt",
      ]);
      assert.equal(tombstone.stage, "withdrawn");
      assert.equal(tombstone.reason, "leaks training data");
      assert.match(String(tombstone.withdrawnAt), /^\d{4}-\d\d-\d\dT/);
    });

    it("answers a model the caller may not see exactly as one that does not exist", async () => {
      const hidden = await hub.request("GET", "/api/models/carol/small/transparency", {
        token: bob,
      });
      const missing = await hub.request("GET", "/api/models/carol/nothing/transparency", {
        token: bob,
      });
      assert.equal(hidden.status, 404);
      assert.equal(missing.status, 404);
      const text = async (r: Response) => (await r.text()).replace(/"requestId":"[^"]*"/, "");
      assert.equal(
        (await text(hidden)).replace("small", "NAME"),
        (await text(missing)).replace("nothing", "NAME"),
      );
    });
  });
}
