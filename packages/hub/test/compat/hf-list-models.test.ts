import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { listModels as jsListModels } from "@huggingface/hub";
import { publishWithCard } from "../registry/browse-support.js";
import { expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { INSTALL_HINT, ok, pythonEnv, runProcess, runPythonCalls } from "./python-client.js";

/** A model as the script gives huggingface_hub's ModelInfo from list_models. */
interface Listed {
  id: string;
  author: string;
  sha: string | null;
  private: boolean;
  downloads: number;
  tags: string[];
  pipeline_tag: string | null;
  library_name: string | null;
  last_modified: string | null;
  card_license: string | null;
  gatehouse: { stage: string; riskTier: string; license: string | null; version: string } | null;
}

const MODELS = [
  {
    id: "alice/vision-a",
    visibility: "open",
    card: { license: "apache-2.0", tags: ["vision"], pipeline_tag: "image-classification" },
    downloads: 2,
  },
  {
    id: "alice/vision-b",
    visibility: "open",
    card: { license: "mit", tags: ["vision"], library_name: "onnx", risk_tier: "limited" },
    downloads: 5,
  },
  { id: "alice/text", visibility: "open", card: { tags: ["text"] }, downloads: 9 },
  { id: "bob/vision-c", visibility: "open", card: { tags: ["vision"] }, downloads: 7 },
  { id: "alice/hidden", visibility: "private", card: { tags: ["vision"] }, downloads: 20 },
] as const;

for (const dialect of DIALECTS) {
  describe(`the Hugging Face clients' model lists with filters and sorts (${dialect})`, () => {
    let hub: TestHub;
    let home: string;
    let alice: string;

    const listModels = async (
      args: Record<string, unknown>,
      token: string | null = null,
    ): Promise<Listed[]> => {
      const [result] = await runPythonCalls(hub.url, home, [{ op: "list_models", token, ...args }]);
      return ok(result).models as Listed[];
    };

    before(async () => {
      home = await mkdtemp(path.join(tmpdir(), "gatehouse-hfpy-list-"));
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
      const bob = await hub.createUser("bob");
      for (const m of MODELS) {
        const token = m.id.startsWith("bob/") ? bob : alice;
        await expectStatus(
          hub.request("POST", "/api/models", {
            token,
            json: { id: m.id, visibility: m.visibility },
          }),
          201,
        );
        await publishWithCard(hub, token, m.id, "v1", m.card);
        for (let n = 0; n < m.downloads; n += 1) {
          await expectStatus(hub.request("GET", `/${m.id}/resolve/v1/w.bin`, { token }), 200);
        }
      }
      // Fail here, loudly, rather than skip: CI installs the client.
      const probe = await runProcess(
        ["-c", "import huggingface_hub; print(huggingface_hub.__version__)"],
        pythonEnv(),
        "",
      );
      if (probe.code !== 0) {
        throw new Error(`${INSTALL_HINT}\n${probe.stderr}`);
      }
    });
    after(async () => {
      await hub.close();
      await rm(home, { recursive: true, force: true });
    });

    it('lists with author, filter and sort="downloads" the matching models, most downloaded first', async () => {
      const models = await listModels({ author: "alice", filter: "vision", sort: "downloads" });
      assert.deepEqual(
        models.map((m) => [m.id, m.downloads]),
        [
          ["alice/vision-b", 5],
          ["alice/vision-a", 2],
        ],
      );
      const [b, a] = models as [Listed, Listed];
      assert.equal(b.author, "alice");
      assert.equal(b.private, false);
      assert.deepEqual(b.tags, ["vision", "license:mit"]);
      assert.equal(b.library_name, "onnx");
      assert.equal(a.pipeline_tag, "image-classification");
      assert.match(b.sha ?? "", /^[0-9a-f]{40}$/);
      assert.ok(b.last_modified !== null);
      assert.deepEqual(
        b.gatehouse && {
          stage: b.gatehouse.stage,
          riskTier: b.gatehouse.riskTier,
          license: b.gatehouse.license,
          version: b.gatehouse.version,
        },
        { stage: "open", riskTier: "limited", license: "mit", version: "v1" },
      );
    });

    it("lists a private model only to a token that may see it", async () => {
      const models = await listModels(
        { author: "alice", filter: "vision", sort: "downloads" },
        alice,
      );
      assert.deepEqual(
        models.map((m) => m.id),
        ["alice/hidden", "alice/vision-b", "alice/vision-a"],
      );
    });

    it("takes several filters, a licence among them, that must all match", async () => {
      const models = await listModels({ filter: ["vision", "license:apache-2.0"] });
      assert.deepEqual(
        models.map((m) => m.id),
        ["alice/vision-a"],
      );
    });

    it("lists with @huggingface/hub's listModels by owner, tags and sort, a private model only with a token", async () => {
      const list = async (accessToken?: string) => {
        const names: [string, number][] = [];
        for await (const m of jsListModels({
          hubUrl: hub.url,
          search: { owner: "alice", tags: ["vision"] },
          sort: "downloads",
          ...(accessToken === undefined ? {} : { accessToken }),
        })) {
          names.push([m.name, m.downloads]);
        }
        return names;
      };
      assert.deepEqual(await list(), [
        ["alice/vision-b", 5],
        ["alice/vision-a", 2],
      ]);
      assert.deepEqual(await list(alice), [
        ["alice/hidden", 20],
        ["alice/vision-b", 5],
        ["alice/vision-a", 2],
      ]);
      const tasks: (string | undefined)[] = [];
      for await (const m of jsListModels({
        hubUrl: hub.url,
        search: { query: "vision-a" },
        sort: "likes30d",
      })) {
        tasks.push(m.task);
      }
      assert.deepEqual(tasks, ["image-classification"]);
    });

    it("gives the card with cardData=True and sorts by the client's other names", async () => {
      const [withCard] = await listModels({ search: "vision-a", cardData: true });
      assert.equal(withCard?.card_license, "apache-2.0");
      const everyone = ["alice/text", "alice/vision-a", "alice/vision-b", "bob/vision-c"];
      const byTime = await listModels({ sort: "last_modified" });
      assert.deepEqual(byTime.map((m) => m.id).sort(), everyone);
      const times = byTime.map((m) => m.last_modified ?? "");
      assert.deepEqual(times, [...times].sort().reverse());
      assert.deepEqual((await listModels({ sort: "created_at", limit: 2 })).length, 2);
      assert.deepEqual(
        (await listModels({ sort: "likes" })).map((m) => m.id),
        everyone,
      );
    });
  });
}
