import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { listAll, moveTo, publishWithCard, type ListedModel } from "../registry/browse-support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { expectStatus } from "./support.js";

/** Headers that legitimately differ between any two answers. */
const VOLATILE = new Set(["date", "connection", "keep-alive"]);

/** Status, headers and body of an answer, for comparing two byte for byte. */
async function snapshot(res: Response): Promise<string> {
  const headers = [...res.headers].filter(([name]) => !VOLATILE.has(name));
  return JSON.stringify({ status: res.status, headers, body: await res.text() });
}

const OPEN_CARD = { license: "mit", tags: ["public-tag"], risk_tier: "minimal" };
const HIDDEN_CARD = { license: "apache-2.0", tags: ["secret-tag"], risk_tier: "high" };

/**
 * The model list's filters, sorts and facets are decided on the newest
 * version the caller may see, so a version they may not see never shows
 * through them: `alice/layered` has an open v1 and a newer v2 moved back to
 * private, with another licence, tag and tier, and downloads of its own.
 */
for (const dialect of DIALECTS) {
  describe(`a hidden version never shows through the model list (${dialect})`, () => {
    const clock = new ManualClock("2026-03-01T12:00:00.000Z");
    let hub: TestHub;
    let alice: string;
    let bob: string;
    let v1: { sha: string; publishedAt: string };

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      alice = await hub.createUser("alice");
      bob = await hub.createUser("bob");
      for (const id of ["alice/layered", "alice/plain"]) {
        await expectStatus(
          hub.request("POST", "/api/models", { token: alice, json: { id, visibility: "open" } }),
          201,
        );
      }
      clock.advance(60);
      await publishWithCard(hub, alice, "alice/layered", "v1", OPEN_CARD);
      clock.advance(60);
      await publishWithCard(hub, alice, "alice/plain", "v1", { license: "mit" });
      await expectStatus(hub.request("GET", "/alice/plain/resolve/v1/w.bin"), 200);
      clock.advance(60);
      await publishWithCard(hub, alice, "alice/layered", "v2", HIDDEN_CARD);
      await moveTo(hub, alice, "alice/layered", "v2", "private");
      for (let n = 0; n < 3; n += 1) {
        await expectStatus(
          hub.request("GET", "/alice/layered/resolve/v2/w.bin", { token: alice }),
          200,
        );
      }
      const version = (await (
        await expectStatus(hub.request("GET", "/api/models/alice/layered/versions/v1"), 200)
      ).json()) as { sha: string; publishedAt: string };
      v1 = { sha: version.sha, publishedAt: version.publishedAt };
    });
    after(() => hub.close());

    const get = (path: string, token?: string) =>
      hub.request("GET", path, {
        headers: { "x-request-id": "hidden-versions" },
        ...(token === undefined ? {} : { token }),
      });

    const HIDDEN_FILTERS = [
      "risk_tier=high",
      "stage=private",
      "filter=secret-tag",
      "filter=license:apache-2.0",
      "license=Apache-2.0",
      "filter=public-tag&risk_tier=high",
    ];
    for (const [caller, token] of [
      ["an anonymous caller", undefined],
      ["another user", "bob"],
    ] as const) {
      for (const query of HIDDEN_FILTERS) {
        it(`answers ${caller} filtering by ${query} as for a tag no model has, byte for byte`, async () => {
          const as = token === undefined ? undefined : bob;
          const none = await snapshot(await get("/api/models?filter=no-such-tag", as));
          assert.equal(await snapshot(await get(`/api/models?${query}`, as)), none);
          const noFacets = await snapshot(await get("/api/models-facets?filter=no-such-tag", as));
          assert.equal(await snapshot(await get(`/api/models-facets?${query}`, as)), noFacets);
        });
      }
    }

    it("lets its owner find the model by the hidden version's values, all of one version", async () => {
      for (const query of HIDDEN_FILTERS.filter((q) => !q.includes("public-tag"))) {
        const { models, total } = await listAll(hub, query, alice);
        assert.deepEqual(
          models.map((m) => [m.id, m.gatehouse.version]),
          [["alice/layered", "v2"]],
          query,
        );
        assert.equal(total, "1", query);
      }
      // Every filter asks about the same version: v1's tag with v2's tier is no version's.
      assert.deepEqual((await listAll(hub, "filter=public-tag&risk_tier=high", alice)).models, []);
    });

    it("shows everyone else the open version: its commit, time, licence, tier and downloads", async () => {
      const { models } = await listAll(hub, "search=layered");
      const [layered] = models as [ListedModel];
      assert.equal(layered.sha, v1.sha);
      assert.equal(layered.lastModified, v1.publishedAt);
      assert.equal(layered.downloads, 0);
      assert.deepEqual(layered.tags, ["public-tag", "license:mit"]);
      assert.deepEqual(layered.gatehouse, {
        stage: "open",
        initialStage: "open",
        version: "v1",
        riskTier: "minimal",
        license: "mit",
        updatedAt: v1.publishedAt,
      });
    });

    it("sorts everyone else by the downloads and times of the versions they may see", async () => {
      for (const sort of ["downloads", "lastModified"]) {
        const ids = async (token?: string) =>
          (await listAll(hub, `sort=${sort}&limit=1`, token)).models.map((m) => m.id);
        assert.deepEqual(await ids(), ["alice/plain", "alice/layered"], sort);
        assert.deepEqual(await ids(bob), ["alice/plain", "alice/layered"], sort);
        assert.deepEqual(await ids(alice), ["alice/layered", "alice/plain"], sort);
      }
    });

    it("dates a model whose only version is hidden by its creation, in the list and its info", async () => {
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: alice,
          json: { id: "alice/shell", visibility: "open" },
        }),
        201,
      );
      const created = clock.now().toISOString();
      clock.advance(60);
      await publishWithCard(hub, alice, "alice/shell", "v1", HIDDEN_CARD);
      await moveTo(hub, alice, "alice/shell", "v1", "private");
      for (const token of [undefined, bob]) {
        const { models } = await listAll(hub, "search=shell", token);
        assert.deepEqual(
          models.map((m) => [m.lastModified, m.sha, m.tags, m.gatehouse.riskTier]),
          [[created, undefined, [], null]],
        );
        const info = (await (
          await expectStatus(get("/api/models/alice/shell", token), 200)
        ).json()) as { lastModified: string; sha?: string };
        assert.equal(info.lastModified, created);
        assert.equal(info.sha, undefined);
      }
      const [owned] = (await listAll(hub, "search=shell", alice)).models;
      assert.equal(owned?.lastModified, clock.now().toISOString());
      await expectStatus(hub.request("DELETE", "/api/models/alice/shell", { token: alice }), 204);
    });

    it("counts in the facets only what each caller may see", async () => {
      const facets = async (token?: string) =>
        (await (await expectStatus(get("/api/models-facets", token), 200)).json()) as Record<
          "stages" | "riskTiers" | "licenses" | "tags",
          { value: string; count: number }[]
        >;
      for (const token of [undefined, bob]) {
        const seen = await facets(token);
        assert.deepEqual(seen.tags, [{ value: "public-tag", count: 1 }]);
        assert.deepEqual(seen.licenses, [{ value: "mit", count: 2 }]);
        assert.equal(seen.riskTiers.find((t) => t.value === "high")?.count, 0);
        assert.equal(seen.stages.find((s) => s.value === "private")?.count, 0);
      }
      const owner = await facets(alice);
      assert.deepEqual(owner.tags, [{ value: "secret-tag", count: 1 }]);
      assert.deepEqual(owner.licenses, [
        { value: "apache-2.0", count: 1 },
        { value: "mit", count: 1 },
      ]);
      assert.equal(owner.riskTiers.find((t) => t.value === "high")?.count, 1);
      assert.equal(owner.stages.find((s) => s.value === "private")?.count, 1);
    });
  });
}
