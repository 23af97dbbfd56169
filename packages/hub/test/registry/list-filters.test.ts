import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { listAll, publishWithCard, type ListedModel } from "./browse-support.js";

/**
 * The open models every caller sees, with their cards, downloads and order
 * of publication (a minute apart). All are created at the same instant, so
 * `createdAt` ties them all; `downloads` ties three at 2 and two at 0.
 */
const MODELS = [
  {
    id: "acme/alpha",
    card: { license: "apache-2.0", tags: ["vision", "onnx"], risk_tier: "limited" },
    downloads: 2,
  },
  { id: "acme/beta", card: { license: "mit", tags: "text" }, downloads: 2 },
  {
    id: "acme/gamma",
    card: { license: "MIT", tags: ["vision"], training_compute_flops: 3.8e25 },
    downloads: 1,
  },
  {
    id: "bob/delta",
    card: {
      license: "apache-2.0",
      tags: ["vision"],
      risk_tier: "high",
      pipeline_tag: "image-classification",
      library_name: "onnx",
    },
    downloads: 0,
  },
  { id: "bob/epsilon", card: null, downloads: 2 },
  { id: "bob/zero", card: { license: ["mit", "apache-2.0"], tags: [] }, downloads: 0 },
] as const;

const PUBLISHED_AT = (index: number): string =>
  new Date(Date.parse("2026-03-01T12:00:00.000Z") + (index + 1) * 60_000).toISOString();

const ids = (models: readonly ListedModel[]): string[] => models.map((m) => m.id);

/** The models in `order`, ties broken by id, as the hub breaks them whatever the direction. */
function expectedOrder(
  key: (m: (typeof MODELS)[number], i: number) => number | string,
  dir: 1 | -1,
) {
  return MODELS.map((m, i) => ({ id: m.id, value: key(m, i) }))
    .sort((a, b) => {
      const byValue = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      return byValue * dir || (a.id < b.id ? -1 : 1);
    })
    .map((m) => m.id);
}

for (const dialect of DIALECTS) {
  describe(`filtering and sorting the model list (${dialect})`, () => {
    const clock = new ManualClock("2026-03-01T12:00:00.000Z");
    let hub: TestHub;
    let alice: string;
    let bob: string;

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      alice = await hub.createUser("alice");
      bob = await hub.createUser("bob");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: alice, json: { name: "acme" } }),
        201,
      );
      const tokenOf = (id: string) => (id.startsWith("bob/") ? bob : alice);
      for (const m of MODELS) {
        await expectStatus(
          hub.request("POST", "/api/models", {
            token: tokenOf(m.id),
            json: { id: m.id, visibility: "open" },
          }),
          201,
        );
      }
      // Seen only by acme's members: it counts for them, never for anyone else.
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: alice,
          json: { id: "acme/inside", visibility: "internal" },
        }),
        201,
      );
      for (const m of MODELS) {
        clock.advance(60);
        await publishWithCard(hub, tokenOf(m.id), m.id, "v1", m.card);
        for (let n = 0; n < m.downloads; n += 1) {
          await expectStatus(hub.request("GET", `/${m.id}/resolve/v1/w.bin`), 200);
        }
      }
      clock.advance(60);
      await publishWithCard(hub, alice, "acme/inside", "v1", {
        license: "bsd-3-clause",
        tags: ["vision", "secret-project"],
        risk_tier: "systemic",
      });
    });
    after(() => hub.close());

    it("gives each model its newest version's tags, licence, tier, stage and time", async () => {
      const { models } = await listAll(hub, "");
      const delta = models.find((m) => m.id === "bob/delta");
      assert.ok(delta !== undefined);
      assert.deepEqual(delta.tags, ["vision", "license:apache-2.0"]);
      assert.equal(
        (delta as unknown as Record<string, unknown>).pipeline_tag,
        "image-classification",
      );
      assert.equal((delta as unknown as Record<string, unknown>).library_name, "onnx");
      assert.equal(delta.lastModified, PUBLISHED_AT(3));
      assert.equal(delta.createdAt, "2026-03-01T12:00:00.000Z");
      assert.equal(delta.cardData, undefined);
      assert.deepEqual(delta.gatehouse, {
        stage: "open",
        initialStage: "open",
        version: "v1",
        riskTier: "high",
        license: "apache-2.0",
        updatedAt: PUBLISHED_AT(3),
      });
      const byId = (id: string): ListedModel => {
        const found = models.find((m) => m.id === id);
        assert.ok(found !== undefined, id);
        return found;
      };
      assert.equal(byId("acme/gamma").gatehouse.riskTier, "systemic");
      assert.equal(byId("acme/alpha").gatehouse.riskTier, "limited");
      assert.equal(byId("bob/epsilon").gatehouse.riskTier, "minimal");
      assert.equal(byId("bob/epsilon").gatehouse.license, null);
      assert.deepEqual(byId("bob/epsilon").tags, []);
      assert.equal(byId("bob/zero").gatehouse.license, "mit AND apache-2.0");
      assert.deepEqual(byId("bob/zero").tags, ["license:mit", "license:apache-2.0"]);
      assert.deepEqual(
        models.map((m) => m.downloads),
        MODELS.map((m) => m.downloads),
      );
    });

    it("gives the card as cardData when asked, as huggingface_hub's cardData=True does", async () => {
      for (const query of ["cardData=True", "cardData=true", "expand=cardData"]) {
        const { models } = await listAll(hub, `author=bob&${query}`);
        assert.deepEqual(models.find((m) => m.id === "bob/delta")?.cardData, MODELS[3].card, query);
      }
    });

    const FILTERS: Record<string, readonly string[]> = {
      "filter=vision": ["acme/alpha", "acme/gamma", "bob/delta"],
      "filter=vision&filter=onnx": ["acme/alpha"],
      "filter=text": ["acme/beta"],
      "filter=Vision": [],
      "filter=license:mit": ["acme/beta", "acme/gamma", "bob/zero"],
      "license=MIT": ["acme/beta", "acme/gamma", "bob/zero"],
      "license=apache-2.0&filter=vision": ["acme/alpha", "bob/delta"],
      "filter=license:mit&filter=license:apache-2.0": ["bob/zero"],
      "license=gpl-3.0": [],
      "stage=open": MODELS.map((m) => m.id),
      "stage=gated": [],
      "risk_tier=systemic": ["acme/gamma"],
      "risk_tier=high": ["bob/delta"],
      "risk_tier=limited": ["acme/alpha"],
      "risk_tier=minimal": ["acme/beta", "bob/epsilon", "bob/zero"],
      "author=bob": ["bob/delta", "bob/epsilon", "bob/zero"],
      "author=BOB&filter=vision": ["bob/delta"],
      "search=TA": ["acme/beta", "bob/delta"],
      "search=ta&risk_tier=high&license=apache-2.0&stage=open&filter=vision": ["bob/delta"],
    };
    for (const [query, expected] of Object.entries(FILTERS)) {
      it(`lists with ${query} exactly the models that match, and counts them`, async () => {
        const { models, total } = await listAll(hub, `${query}&limit=2`);
        assert.deepEqual(ids(models), expected);
        assert.equal(total, String(expected.length));
      });
    }

    it("counts for an organisation's member their internal model too", async () => {
      const { models, total } = await listAll(hub, "filter=vision", alice);
      assert.deepEqual(ids(models), ["acme/alpha", "acme/gamma", "acme/inside", "bob/delta"]);
      assert.equal(total, "4");
      assert.equal(
        (await listAll(hub, "risk_tier=systemic", alice)).total,
        "2",
        "acme/gamma and acme/inside",
      );
    });

    const SORTS = {
      id: (m: (typeof MODELS)[number]) => m.id,
      downloads: (m: (typeof MODELS)[number]) => m.downloads,
      lastModified: (_: unknown, i: number) => PUBLISHED_AT(i),
      createdAt: () => "2026-03-01T12:00:00.000Z",
    } as const;
    for (const [sort, key] of Object.entries(SORTS)) {
      for (const direction of [1, -1] as const) {
        it(`sorts by ${sort}, direction ${direction}, across pages of every size without skipping or repeating ties`, async () => {
          const expected = expectedOrder(key, direction);
          for (const limit of [1, 2, 3, 4, 100]) {
            const { models, pages } = await listAll(
              hub,
              `sort=${sort}&direction=${direction}&limit=${limit}`,
            );
            assert.deepEqual(ids(models), expected, `limit ${limit}`);
            assert.equal(pages, Math.ceil(expected.length / limit), `limit ${limit}`);
          }
        });
      }
    }

    it("sorts a figure or a time largest first when no direction is given, and ids A to Z", async () => {
      assert.deepEqual(
        ids((await listAll(hub, "sort=downloads")).models),
        expectedOrder(SORTS.downloads, -1),
      );
      assert.deepEqual(
        ids((await listAll(hub, "sort=lastModified&limit=2")).models),
        expectedOrder(SORTS.lastModified, -1),
      );
      assert.deepEqual(ids((await listAll(hub, "")).models), expectedOrder(SORTS.id, 1));
      // The Hub's likes and trends are not kept: the default order, not a refusal.
      assert.deepEqual(ids((await listAll(hub, "sort=likes")).models), expectedOrder(SORTS.id, 1));
    });

    it("keeps the query in the next page's link", async () => {
      const res = await expectStatus(
        hub.request(
          "GET",
          "/api/models?filter=vision&filter=license:apache-2.0&sort=downloads&direction=1&limit=1",
        ),
        200,
      );
      const link = res.headers.get("link") ?? "";
      const next = new URL(/<([^>]+)>/.exec(link)?.[1] ?? "");
      assert.deepEqual(next.searchParams.getAll("filter"), ["vision", "license:apache-2.0"]);
      assert.equal(next.searchParams.get("sort"), "downloads");
      assert.equal(next.searchParams.get("direction"), "1");
      assert.equal(next.searchParams.get("limit"), "1");
      assert.ok(next.href.startsWith(`${hub.url}/api/models?`));
    });

    const REFUSED: Record<string, string> = {
      "sort=stars":
        'querystring/sort must be one of "id", "downloads", "lastModified", "createdAt", "likes", "likes30d", "trendingScore"',
      "direction=2": "querystring/direction must be one of -1, 1",
      "direction=down": "querystring/direction must be one of -1, 1",
      "stage=withdrawn":
        'querystring/stage must be one of "private", "internal", "staged", "api", "gated", "open"',
      "risk_tier=extreme":
        'querystring/risk_tier must be one of "minimal", "limited", "high", "systemic"',
      "limit=0": "querystring/limit must be >= 1",
      "cursor=bm90IGEgY3Vyc29y": "cursor is not one this hub gave out; start again without it",
    };
    for (const [query, message] of Object.entries(REFUSED)) {
      it(`refuses ${query} with 400, naming the parameter and what it may be`, async () => {
        const body = await expectError(
          hub.request("GET", `/api/models?${query}`),
          400,
          "BAD_REQUEST",
        );
        assert.equal(body.error, message);
      });
    }

    it("refuses a cursor given for another sort or direction", async () => {
      const res = await expectStatus(hub.request("GET", "/api/models?sort=downloads&limit=1"), 200);
      const cursor = new URL(
        /<([^>]+)>/.exec(res.headers.get("link") ?? "")?.[1] ?? "",
      ).searchParams.get("cursor");
      assert.ok(cursor !== null);
      for (const other of ["sort=lastModified", "sort=downloads&direction=1"]) {
        const body = await expectError(
          hub.request("GET", `/api/models?${other}&cursor=${cursor}`),
          400,
          "BAD_REQUEST",
        );
        assert.match(body.error, /^cursor was given for sort=downloads&direction=-1, not sort=/);
      }
    });

    it("gives the facets of the models each caller may see, with counts", async () => {
      const res = await expectStatus(hub.request("GET", "/api/models-facets"), 200);
      assert.deepEqual(await res.json(), {
        models: 6,
        namespaces: [
          { value: "acme", count: 3 },
          { value: "bob", count: 3 },
        ],
        stages: [
          { value: "private", count: 0 },
          { value: "internal", count: 0 },
          { value: "staged", count: 0 },
          { value: "api", count: 0 },
          { value: "gated", count: 0 },
          { value: "open", count: 6 },
        ],
        riskTiers: [
          { value: "minimal", count: 3 },
          { value: "limited", count: 1 },
          { value: "high", count: 1 },
          { value: "systemic", count: 1 },
        ],
        licenses: [
          { value: "MIT", count: 3 },
          { value: "apache-2.0", count: 3 },
        ],
        tags: [
          { value: "vision", count: 3 },
          { value: "onnx", count: 1 },
          { value: "text", count: 1 },
        ],
      });
      const member = (await (
        await expectStatus(hub.request("GET", "/api/models-facets", { token: alice }), 200)
      ).json()) as Record<"namespaces" | "tags" | "stages", { value: string; count: number }[]>;
      assert.deepEqual(member.namespaces, [
        { value: "acme", count: 4 },
        { value: "bob", count: 3 },
      ]);
      assert.deepEqual(member.tags.slice(0, 2), [
        { value: "vision", count: 4 },
        { value: "onnx", count: 1 },
      ]);
      assert.ok(member.tags.some((t) => t.value === "secret-project"));
      assert.deepEqual(
        member.stages.find((s) => s.value === "internal"),
        {
          value: "internal",
          count: 1,
        },
      );
    });

    it("narrows the facets by the list's own filters", async () => {
      const res = await expectStatus(
        hub.request("GET", "/api/models-facets?filter=vision&author=acme"),
        200,
      );
      const facets = (await res.json()) as Record<string, unknown>;
      assert.equal(facets.models, 2);
      assert.deepEqual(facets.licenses, [
        { value: "MIT", count: 1 },
        { value: "apache-2.0", count: 1 },
      ]);
      await expectError(
        hub.request("GET", "/api/models-facets?risk_tier=extreme"),
        400,
        "BAD_REQUEST",
      );
    });

    it("documents the list's parameters and the facets route in /openapi.json", async () => {
      const doc = (await (await expectStatus(hub.request("GET", "/openapi.json"), 200)).json()) as {
        paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
      };
      const listed = doc.paths["/api/models"]?.get?.parameters?.map((p) => p.name) ?? [];
      for (const name of [
        "filter",
        "license",
        "stage",
        "risk_tier",
        "sort",
        "direction",
        "cursor",
      ]) {
        assert.ok(listed.includes(name), name);
      }
      assert.ok(doc.paths["/api/models-facets"]?.get !== undefined);
    });
  });
}
