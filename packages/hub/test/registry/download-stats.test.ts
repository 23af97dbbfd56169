import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildApp, type BuiltApp } from "../../src/app.js";
import { createDraft, createToken, expectStatus, type ErrorBody } from "../security/support.js";
import { DIALECTS, POSTGRES_URL, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";

const WEIGHTS = "w".repeat(1000);

interface Stats {
  model: string;
  from: string;
  to: string;
  versions: {
    version: string;
    stage: string | null;
    days: { day: string; downloads: number }[];
    total: number;
  }[];
  total: number;
}

/** Publishes version `version` of `id` holding `w.bin`. */
async function publish(hub: TestHub, token: string, id: string, version: string): Promise<void> {
  await createDraft(hub, token, id, version, { "w.bin": WEIGHTS });
  await expectStatus(
    hub.request("POST", `/api/models/${id}/versions/${version}/publish`, { token }),
    200,
  );
}

for (const dialect of DIALECTS) {
  describe(`download counts (${dialect})`, () => {
    const clock = new ManualClock("2026-03-01T12:00:00.000Z");
    let hub: TestHub;
    let bob: string;

    const stats = async (id: string, query = "", token?: string): Promise<Stats> => {
      const res = await expectStatus(
        hub.request("GET", `/api/models/${id}/downloads${query}`, {
          ...(token === undefined ? {} : { token }),
        }),
        200,
      );
      return (await res.json()) as Stats;
    };
    /** The day-by-day figures of one version, as `{ day: downloads }`. */
    const daysOf = async (
      id: string,
      version: string,
      query = "",
    ): Promise<Record<string, number>> => {
      const found = (await stats(id, query, hub.adminToken)).versions.find(
        (v) => v.version === version,
      );
      assert.ok(found !== undefined, `${id} lists ${version}`);
      return Object.fromEntries(found.days.map((d) => [d.day, d.downloads]));
    };
    const get = (id: string, version: string, headers: Record<string, string> = {}) =>
      hub.request("GET", `/${id}/resolve/${version}/w.bin`, { token: hub.adminToken, headers });
    const info = async (path: string, token?: string) =>
      (await (
        await expectStatus(
          hub.request("GET", path, { ...(token === undefined ? {} : { token }) }),
          200,
        )
      ).json()) as { downloads: number; downloadsAllTime?: number };

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      bob = await hub.createUser("bob");
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: hub.adminToken,
          json: { id: "admin/counted", visibility: "open" },
        }),
        201,
      );
      await publish(hub, hub.adminToken, "admin/counted", "v1");
    });
    after(() => hub.close());

    it("counts a whole GET once, on today's UTC date", async () => {
      const res = await get("admin/counted", "v1");
      assert.equal(res.status, 200);
      assert.equal(await res.text(), WEIGHTS);
      assert.deepEqual(await daysOf("admin/counted", "v1"), { "2026-03-01": 1 });
    });

    it("counts neither the bytes=0-0 probe, nor HEAD, nor a 304", async () => {
      const probe = await get("admin/counted", "v1", { range: "bytes=0-0" });
      assert.equal(probe.status, 206);
      assert.equal(probe.headers.get("content-range"), "bytes 0-0/1000");
      await probe.arrayBuffer();
      const head = await hub.request("HEAD", "/admin/counted/resolve/v1/w.bin", {
        token: hub.adminToken,
      });
      assert.equal(head.status, 200);
      const etag = head.headers.get("etag") ?? "";
      const cached = await get("admin/counted", "v1", { "if-none-match": etag });
      assert.equal(cached.status, 304);
      assert.deepEqual(await daysOf("admin/counted", "v1"), { "2026-03-01": 1 });
    });

    it("counts a download in two Range parts once, and a resumed one not again", async () => {
      const first = await get("admin/counted", "v1", { range: "bytes=0-499" });
      assert.equal(first.status, 206);
      const rest = await get("admin/counted", "v1", { range: "bytes=500-" });
      assert.equal(rest.status, 206);
      assert.equal((await first.text()) + (await rest.text()), WEIGHTS);
      assert.deepEqual(await daysOf("admin/counted", "v1"), { "2026-03-01": 2 });
    });

    it("puts downloads on two days on those two days", async () => {
      clock.advance(86_400);
      await expectStatus(get("admin/counted", "v1"), 200);
      await expectStatus(get("admin/counted", "v1"), 200);
      assert.deepEqual(await daysOf("admin/counted", "v1"), {
        "2026-03-01": 2,
        "2026-03-02": 2,
      });
      assert.deepEqual(await daysOf("admin/counted", "v1", "?from=2026-03-02&to=2026-03-02"), {
        "2026-03-02": 2,
      });
      const window = await stats("admin/counted", "?days=1", hub.adminToken);
      assert.deepEqual([window.from, window.to, window.total], ["2026-03-02", "2026-03-02", 2]);
    });

    it("gives downloads of the last 30 days in model info and the model list, and all time when asked", async () => {
      assert.equal((await info("/api/models/admin/counted")).downloads, 4);
      assert.equal((await info("/api/models/admin/counted/revision/v1")).downloads, 4);
      const expanded = await info(
        "/api/models/admin/counted?expand=downloads&expand=downloadsAllTime",
      );
      assert.deepEqual([expanded.downloads, expanded.downloadsAllTime], [4, 4]);
      assert.equal((await info("/api/models/admin/counted")).downloadsAllTime, undefined);
      const listed = (await (
        await expectStatus(hub.request("GET", "/api/models?search=counted"), 200)
      ).json()) as { id: string; downloads: number }[];
      assert.deepEqual(
        listed.map((m) => [m.id, m.downloads]),
        [["admin/counted", 4]],
      );

      // 2026-03-01 is the 30th day back from 2026-03-30, and out of the window the day after.
      clock.advance(28 * 86_400);
      assert.equal((await info("/api/models/admin/counted")).downloads, 4);
      clock.advance(86_400);
      const later = await info("/api/models/admin/counted?expand=downloadsAllTime");
      assert.deepEqual([later.downloads, later.downloadsAllTime], [2, 4]);
    });

    it("shows a caller only the versions they may see, and counts only those", async () => {
      const id = "admin/mixed";
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: hub.adminToken,
          json: { id, visibility: "open" },
        }),
        201,
      );
      await publish(hub, hub.adminToken, id, "v1");
      // Versions are listed newest first; made at one instant, they would tie.
      clock.advance(60);
      await publish(hub, hub.adminToken, id, "v2");
      await expectStatus(
        hub.request("POST", `/api/models/${id}/versions/v2/transitions`, {
          token: hub.adminToken,
          json: { to: "private", reason: "not yet for everyone" },
        }),
        200,
      );
      await expectStatus(get(id, "v1"), 200);
      for (let i = 0; i < 3; i += 1) {
        await expectStatus(get(id, "v2"), 200);
      }

      const owner = await stats(id, "", hub.adminToken);
      assert.deepEqual(
        owner.versions.map((v) => [v.version, v.stage, v.total]),
        [
          ["v2", "private", 3],
          ["v1", "open", 1],
        ],
      );
      assert.equal(owner.total, 4);
      for (const token of [bob, undefined]) {
        const seen = await stats(id, "", token);
        assert.deepEqual(
          seen.versions.map((v) => [v.version, v.total]),
          [["v1", 1]],
        );
        assert.equal(seen.total, 1);
        assert.equal((await info(`/api/models/${id}`, token)).downloads, 1);
      }
      assert.equal((await info(`/api/models/${id}`, hub.adminToken)).downloads, 4);
      const listed = (await (
        await expectStatus(hub.request("GET", "/api/models?search=mixed", { token: bob }), 200)
      ).json()) as { downloads: number }[];
      assert.deepEqual(
        listed.map((m) => m.downloads),
        [1],
      );
    });

    it("gives each kind of caller the figure of what they see in model info, and a new download at once", async () => {
      const id = "admin/mixed";
      const adminHere = await createToken(hub, hub.adminToken, { scopes: ["read"], model: id });
      const adminElsewhere = await createToken(hub, hub.adminToken, {
        scopes: ["read"],
        model: "admin/counted",
      });
      const bobElsewhere = await createToken(hub, bob, {
        scopes: ["read"],
        model: "admin/counted",
      });
      // A token restricted to another model counts as anonymous here, and sees only v1.
      const callers = [
        hub.adminToken,
        adminHere.token,
        adminElsewhere.token,
        bob,
        bobElsewhere.token,
        undefined,
      ];
      const figures = () =>
        Promise.all(
          callers.map(async (token) => (await info(`/api/models/${id}`, token)).downloads),
        );
      assert.deepEqual(await figures(), [4, 4, 1, 1, 1, 1]);
      assert.deepEqual(await figures(), [4, 4, 1, 1, 1, 1], "asked again, nothing changed");
      await expectStatus(get(id, "v2"), 200);
      assert.deepEqual(await figures(), [5, 5, 1, 1, 1, 1], "a download of the private v2");
      await expectStatus(get(id, "v1"), 200);
      assert.deepEqual(await figures(), [6, 6, 2, 2, 2, 2], "a download of the open v1");
    });

    it("answers a model the caller may not see as not found, as for one that does not exist", async () => {
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: hub.adminToken,
          json: { id: "admin/hidden", visibility: "private" },
        }),
        201,
      );
      await publish(hub, hub.adminToken, "admin/hidden", "v1");
      await expectStatus(get("admin/hidden", "v1"), 200);
      for (const [token, status] of [
        [bob, 404],
        [undefined, 401],
      ] as const) {
        const hidden = await hub.request("GET", "/api/models/admin/hidden/downloads?from=x", {
          ...(token === undefined ? {} : { token }),
        });
        const missing = await hub.request("GET", "/api/models/admin/nothing/downloads?from=x", {
          ...(token === undefined ? {} : { token }),
        });
        assert.equal(hidden.status, status);
        assert.equal(missing.status, status);
        const [a, b] = [(await hidden.json()) as ErrorBody, (await missing.json()) as ErrorBody];
        assert.equal(a.code, "REPO_NOT_FOUND");
        assert.equal(a.error.replace("admin/hidden", "admin/nothing"), b.error);
      }
    });

    it("refuses bad dates and windows with a 400 that says what is wrong", async () => {
      for (const [query, message] of [
        ["?from=2026-02-30", /from must be a date as YYYY-MM-DD, not "2026-02-30"/],
        ["?to=yesterday", /to must be a date as YYYY-MM-DD, not "yesterday"/],
        [
          "?from=2026-03-05&to=2026-03-01",
          /from \(2026-03-05\) is after to \(2026-03-01\); swap them/,
        ],
        ["?from=2026-03-01&days=3", /give either from or days, not both/],
        ["?from=2000-01-01&to=2026-03-01", /ask for at most 3660 at once/],
      ] as const) {
        const res = await hub.request("GET", `/api/models/admin/counted/downloads${query}`, {
          token: hub.adminToken,
        });
        assert.equal(res.status, 400, query);
        const body = (await res.json()) as ErrorBody;
        assert.equal(body.code, "BAD_REQUEST", query);
        assert.match(body.error, message, query);
      }
      for (const query of ["?days=0", "?days=many"]) {
        const res = await hub.request("GET", `/api/models/admin/counted/downloads${query}`, {
          token: hub.adminToken,
        });
        assert.equal(res.status, 400, query);
        assert.match(((await res.json()) as ErrorBody).error, /days/, query);
      }
    });
  });
}

/** Downloads `n` times through `url`, all at once. */
async function downloadMany(url: string, n: number): Promise<void> {
  const answers = await Promise.all(
    Array.from({ length: n }, () => fetch(`${url}/admin/shared/resolve/v1/w.bin`)),
  );
  for (const res of answers) {
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  }
}

for (const dialect of ["sqlite", "postgres"] as const) {
  describe(
    `two hubs on one database count concurrent downloads exactly (${dialect})`,
    {
      skip:
        dialect === "postgres" && POSTGRES_URL === undefined
          ? "GATEHOUSE_TEST_POSTGRES_URL is not set"
          : false,
    },
    () => {
      const EACH = 60;
      let first: TestHub;
      let second: BuiltApp;
      let secondUrl: string;

      before(async () => {
        first = await startHub(dialect);
        // A second app on the same database, with its own connections, as another hub process.
        second = await buildApp({ config: first.config });
        secondUrl = await second.app.listen({ host: "127.0.0.1", port: 0 });
      });
      after(async () => {
        await second.close();
        await first.close();
      });

      it(`counts ${EACH} downloads through each hub as ${2 * EACH}`, async () => {
        await expectStatus(
          first.request("POST", "/api/models", {
            token: first.adminToken,
            json: { id: "admin/shared", visibility: "open" },
          }),
          201,
        );
        await publish(first, first.adminToken, "admin/shared", "v1");
        await Promise.all([downloadMany(first.url, EACH), downloadMany(secondUrl, EACH)]);
        for (const url of [first.url, secondUrl]) {
          const res = await expectStatus(fetch(`${url}/api/models/admin/shared/downloads`), 200);
          assert.equal(((await res.json()) as Stats).total, 2 * EACH);
        }
      });
    },
  );
}
