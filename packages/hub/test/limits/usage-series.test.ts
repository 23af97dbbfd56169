import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectStatus } from "../security/support.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { settleUsage } from "./usage-support.js";

const IRIS = "/v2/models/acme--iris/versions/v1";

interface Bucket {
  readonly bucket: string;
  readonly requests: number;
  readonly errors: number;
  readonly rows: number;
  readonly latencyAvgMs: number;
  readonly latencyMaxMs: number;
}

interface SeriesBody {
  readonly subject: string;
  readonly version: string | null;
  readonly period: string;
  readonly since: string;
  readonly until: string;
  readonly buckets: Bucket[];
  readonly totals: Omit<Bucket, "bucket">;
  readonly error?: string;
  readonly requestId?: string;
}

/** The figures of buckets a test compares; latency is measured, so only its presence is. */
const counts = (buckets: readonly Bucket[]) =>
  buckets.map((b) => ({ bucket: b.bucket, requests: b.requests, errors: b.errors, rows: b.rows }));

for (const dialect of DIALECTS) {
  describe(`GET /api/usage/series (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    const clock = new ManualClock("2026-12-02T10:00:30.000Z");
    const tokens: Record<string, string> = {};
    let calls = 0;

    const call = async (token: string, json: unknown) => {
      calls += 1;
      const res = await hub.request("POST", `${IRIS}/infer`, { token, json });
      await res.arrayBuffer();
      return res.status;
    };
    const series = async (query: string, token?: string) => {
      const res = await hub.request(
        "GET",
        `/api/usage/series${query}`,
        token === undefined ? {} : { token },
      );
      return { status: res.status, body: (await res.json()) as SeriesBody };
    };

    before(async () => {
      iris = await trainIris();
      hub = await startHub(dialect, {}, { clock });
      for (const name of ["olivia", "mary", "rita", "carl", "eve"]) {
        tokens[name] = await hub.createUser(name);
      }
      const owner = tokens.olivia ?? "";
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      for (const [user, role] of [
        ["mary", "maintainer"],
        ["rita", "member"],
      ] as const) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/acme/members/${user}`, { token: owner, json: { role } }),
          200,
        );
      }
      // An administrator's token without the admin scope carries only their own roles.
      const adminRead = await hub.request("POST", "/api/tokens", {
        token: hub.adminToken,
        json: { scopes: ["read", "write"], name: "everyday" },
      });
      assert.equal(adminRead.status, 201);
      tokens.adminRead = ((await adminRead.json()) as { token: string }).token;
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/iris", "v1");

      const carl = tokens.carl ?? "";
      const good = irisRequest(IRIS_ROWS.slice(0, 3));
      const bad = {
        inputs: [{ name: "nope", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }],
      };
      // Three calls in the 10:00 hour, none in the 11:00 one, one in the 12:00 one.
      assert.equal(await call(carl, good), 200);
      assert.equal(await call(carl, good), 200);
      assert.equal(await call(carl, bad), 400);
      await settleUsage(hub, calls);
      clock.advance(2 * 3600);
      assert.equal(await call(carl, irisRequest(IRIS_ROWS.slice(0, 2))), 200);
      await settleUsage(hub, calls);
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    const HOURS = [
      { bucket: "2026-12-02T09:00:00.000Z", requests: 0, errors: 0, rows: 0 },
      { bucket: "2026-12-02T10:00:00.000Z", requests: 3, errors: 1, rows: 3 + 3 + 1 },
      { bucket: "2026-12-02T11:00:00.000Z", requests: 0, errors: 0, rows: 0 },
      { bucket: "2026-12-02T12:00:00.000Z", requests: 1, errors: 0, rows: 2 },
    ];

    it("answers a model's calls per hour, empty hours as zeros", async () => {
      const res = await series("?model=acme/iris&since=2026-12-02T09:30:00Z", tokens.olivia);
      assert.equal(res.status, 200);
      assert.equal(res.body.subject, "acme/iris");
      assert.equal(res.body.version, null);
      assert.equal(res.body.period, "hour");
      assert.equal(res.body.since, "2026-12-02T09:00:00.000Z");
      assert.equal(res.body.until, "2026-12-02T12:00:30.000Z");
      assert.deepEqual(counts(res.body.buckets), HOURS);
      const empty = res.body.buckets[2];
      assert.deepEqual({ avg: empty?.latencyAvgMs, max: empty?.latencyMaxMs }, { avg: 0, max: 0 });
      const busy = res.body.buckets[1];
      assert.ok(busy !== undefined && busy.latencyMaxMs >= busy.latencyAvgMs - 1);
      assert.deepEqual(
        { ...res.body.totals, latencyAvgMs: 0, latencyMaxMs: 0 },
        {
          requests: 4,
          errors: 1,
          rows: 9,
          latencyAvgMs: 0,
          latencyMaxMs: 0,
          promptTokens: 0,
          completionTokens: 0,
        },
        "an ONNX classifier's calls count no tokens",
      );
      assert.equal(
        res.body.totals.latencyMaxMs,
        Math.max(...res.body.buckets.map((b) => b.latencyMaxMs)),
      );
    });

    it("answers one version, and an organisation's models, alike", async () => {
      const query = "&since=2026-12-02T09:00:00Z";
      const version = await series(`?model=acme/iris&version=v1${query}`, tokens.mary);
      assert.equal(version.status, 200);
      assert.equal(version.body.version, "v1");
      assert.deepEqual(counts(version.body.buckets), HOURS);
      const org = await series(`?org=acme${query}`, tokens.olivia);
      assert.equal(org.status, 200);
      assert.equal(org.body.subject, "acme");
      assert.deepEqual(counts(org.body.buckets), HOURS);
      const missing = await series(`?model=acme/iris&version=v9${query}`, tokens.olivia);
      assert.equal(missing.status, 404);
    });

    it("answers the last 30 days by day unless told otherwise", async () => {
      const res = await series("?org=acme&period=day", hub.adminToken);
      assert.equal(res.status, 200);
      assert.equal(res.body.since, "2026-11-02T00:00:00.000Z");
      assert.equal(res.body.buckets.length, 31);
      assert.deepEqual(counts(res.body.buckets.slice(-2)), [
        { bucket: "2026-12-01T00:00:00.000Z", requests: 0, errors: 0, rows: 0 },
        { bucket: "2026-12-02T00:00:00.000Z", requests: 4, errors: 1, rows: 9 },
      ]);
      const hours = await series("?org=acme", hub.adminToken);
      assert.equal(hours.body.buckets.length, 25);
      assert.equal(hours.body.totals.requests, 4);
    });

    it("shows a model's usage to its owners, maintainers and administrators only", async () => {
      const query = "?model=acme/iris&since=2026-12-02T09:00:00Z";
      const missing = await series("?model=acme/nothing", tokens.eve);
      assert.equal(missing.status, 404);
      const same = (body: SeriesBody) => ({ ...body, requestId: "" });
      const asMissing = {
        ...same(missing.body),
        error: (missing.body.error ?? "").replace("nothing", "iris"),
      };
      for (const [who, token] of [
        ["owner", tokens.olivia],
        ["maintainer", tokens.mary],
        ["administrator", hub.adminToken],
      ] as const) {
        const res = await series(query, token);
        assert.equal(res.status, 200, who);
        assert.equal(res.body.totals.requests, 4, who);
      }
      for (const [who, token] of [
        ["organisation member", tokens.rita],
        ["caller of the model", tokens.carl],
        ["other user", tokens.eve],
        ["administrator without the admin scope", tokens.adminRead],
      ] as const) {
        const res = await series(query, token);
        assert.equal(res.status, 404, who);
        assert.deepEqual(same(res.body), asMissing, who);
      }
      const anonymous = await series(query);
      const anonymousMissing = await series("?model=acme/nothing");
      assert.equal(anonymous.status, 401);
      assert.deepEqual(same(anonymous.body), same(anonymousMissing.body));
    });

    it("shows an organisation's usage to its owners and administrators only", async () => {
      const missing = await series("?org=nothing", tokens.eve);
      assert.equal(missing.status, 404);
      const asMissing = {
        ...missing.body,
        requestId: "",
        error: (missing.body.error ?? "").replace("nothing", "acme"),
      };
      for (const [who, token] of [
        ["owner", tokens.olivia],
        ["administrator", hub.adminToken],
      ] as const) {
        const res = await series("?org=acme", token);
        assert.equal(res.status, 200, who);
      }
      for (const [who, token] of [
        ["maintainer", tokens.mary],
        ["member", tokens.rita],
        ["other user", tokens.eve],
        ["administrator without the admin scope", tokens.adminRead],
      ] as const) {
        const res = await series("?org=acme", token);
        assert.equal(res.status, 404, who);
        assert.deepEqual({ ...res.body, requestId: "" }, asMissing, who);
      }
      const anonymous = await series("?org=acme");
      assert.equal(anonymous.status, 401);
    });

    it("refuses windows beyond the bounds and bad parameters, saying what to fix", async () => {
      const owner = tokens.olivia;
      const cases: [string, RegExp][] = [
        ["?org=acme&since=32d", /period=hour covers at most 31 days \(744 hours\)/],
        ["?org=acme&period=day&since=401d", /period=day covers at most 400 days/],
        ["?org=acme&since=yesterday", /^since "yesterday" is neither a duration/],
        ["?org=acme&until=soon", /^until "soon" is not an ISO date-time/],
        ["?org=acme&since=2026-12-02&until=2026-12-01", /since must be before until/],
        ["?org=acme&model=acme/iris", /either model .* or org/],
        ["?org=acme&version=v1", /either model .* or org/],
        ["", /either model .* or org/],
        ["?model=acme", /model "acme" is not namespace\/name/],
        ["?org=acme&period=week", /period/],
      ];
      for (const [query, message] of cases) {
        const res = await series(query, owner);
        assert.equal(res.status, 400, query);
        assert.match(res.body.error ?? "", message, query);
      }
      const month = await series("?org=acme&since=31d", owner);
      assert.equal(month.status, 200);
    });
  });
}
