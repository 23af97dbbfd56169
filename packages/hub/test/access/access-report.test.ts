import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { quantile, type AccessReport } from "../../src/access/access-report.js";
import { expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { GOOD_ANSWERS, askAccess, gatedCard, publishGated } from "./gate-support.js";

const MODEL = "acme/llm";
const REPORT = `/api/models/${MODEL}/access/report`;

/** The figures to compare exactly; floating point quantiles are checked apart. */
const close = (actual: number | null, expected: number): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);
};

describe("access report: quantiles", () => {
  it("interpolates between the nearest ranks as numpy's default does", () => {
    assert.equal(quantile([], 0.5), null);
    assert.equal(quantile([3], 0.9), 3);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    // numpy.percentile([10, 20, 30, 40, 50], 90) == 46.0
    close(quantile([10, 20, 30, 40, 50], 0.9), 46);
  });
});

for (const dialect of DIALECTS) {
  describe(`access report of a gated model (${dialect})`, () => {
    // 2026-06-01 is a Monday, so the day and week buckets below start there.
    const clock = new ManualClock("2026-06-01T09:00:00.000Z");
    const setClock = (iso: string): void => {
      clock.advance((Date.parse(iso) - clock.now().getTime()) / 1000);
    };
    let hub: TestHub;
    let alice: string;
    let rita: string;
    let carl: string;
    let dora: string;
    const tokens = new Map<string, string>();

    const ask = async (user: string, country: string, forOrg?: string) => {
      const token = tokens.get(user);
      assert.ok(token !== undefined);
      await expectStatus(
        askAccess(hub, token, MODEL, {
          answers: { ...GOOD_ANSWERS, Country: country },
          acceptLicence: true,
          ...(forOrg === undefined ? {} : { forOrg }),
        }),
        202,
      );
    };
    const handle = (user: string, status: string) =>
      expectStatus(
        hub.request("POST", `/api/models/${MODEL}/user-access-request/handle`, {
          token: alice,
          json: { user, status },
        }),
        200,
      );
    const report = async (query = "", token = rita): Promise<AccessReport> =>
      (await (
        await expectStatus(hub.request("GET", `${REPORT}${query}`, { token }), 200)
      ).json()) as AccessReport;

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      alice = await hub.createUser("alice");
      rita = await hub.createUser("rita");
      carl = await hub.createUser("carl");
      dora = await hub.createUser("dora");
      for (const user of ["bob", "erin", "fred", "gina", "hank", "ivan"]) {
        tokens.set(user, await hub.createUser(user));
      }
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: alice, json: { name: "acme" } }),
        201,
      );
      for (const [user, role] of [
        ["rita", "reviewer"],
        ["carl", "member"],
      ] as const) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/acme/members/${user}`, { token: alice, json: { role } }),
          200,
        );
      }
      await expectStatus(
        hub.request("POST", "/api/orgs", {
          token: tokens.get("hank") ?? "",
          json: { name: "labco" },
        }),
        201,
      );
      await publishGated(hub, alice, MODEL, "v1", {
        "README.md": gatedCard(),
        "weights.bin": "weights",
      });

      // Week of 2026-06-01: four requests, decided after 2, 4, 8 and 16 hours.
      setClock("2026-06-01T09:00:00.000Z");
      await ask("bob", "GB");
      setClock("2026-06-01T10:00:00.000Z");
      await ask("erin", "DE");
      setClock("2026-06-01T11:00:00.000Z");
      await handle("bob", "accepted");
      setClock("2026-06-01T14:00:00.000Z");
      await handle("erin", "rejected");
      setClock("2026-06-02T09:00:00.000Z");
      await ask("fred", "DE");
      setClock("2026-06-02T10:00:00.000Z");
      await ask("hank", "FR", "labco");
      setClock("2026-06-02T17:00:00.000Z");
      await handle("fred", "accepted");
      setClock("2026-06-03T02:00:00.000Z");
      await handle("labco", "accepted");
      // Week of 2026-06-08: one request left pending, a direct grant for a day, bob revoked.
      setClock("2026-06-08T09:00:00.000Z");
      await ask("gina", "US");
      setClock("2026-06-08T12:00:00.000Z");
      await expectStatus(
        hub.request("POST", `/api/models/${MODEL}/user-access-request/grant`, {
          token: alice,
          json: { user: "ivan", expiresIn: "1d" },
        }),
        200,
      );
      setClock("2026-06-09T09:00:00.000Z");
      await expectStatus(
        hub.request("POST", `/api/models/${MODEL}/access/revoke`, {
          token: alice,
          json: { user: "bob", reason: "broke the licence" },
        }),
        200,
      );
      setClock("2026-06-10T09:00:00.000Z");
    });
    after(() => hub.close());

    it("counts requests and grants by outcome, country, organisation and day, with hand-computed waits", async () => {
      const r = await report();
      assert.equal(r.model, MODEL);
      assert.equal(r.from, null);
      assert.equal(r.to, null);
      assert.equal(r.interval, "day");
      // bob revoked, erin rejected, fred, labco and ivan accepted, gina pending.
      assert.deepEqual(r.requests, { total: 6, pending: 1, accepted: 3, rejected: 1, revoked: 1 });
      // bob's revoked, ivan's expired on 06-09 at noon, fred's and labco's live.
      assert.deepEqual(r.grants, { total: 4, live: 2, expired: 1, revoked: 1 });
      const counts = (
        total: number,
        pending: number,
        accepted: number,
        rejected: number,
        revoked: number,
      ) => ({
        total,
        pending,
        accepted,
        rejected,
        revoked,
      });
      assert.deepEqual(r.byCountry, [
        { country: "DE", ...counts(2, 0, 1, 1, 0) },
        { country: "FR", ...counts(1, 0, 1, 0, 0) },
        { country: "GB", ...counts(1, 0, 0, 0, 1) },
        { country: "US", ...counts(1, 1, 0, 0, 0) },
        // The direct grant answered no form.
        { country: null, ...counts(1, 0, 1, 0, 0) },
      ]);
      assert.deepEqual(r.byOrganisation, [
        { organisation: "labco", ...counts(1, 0, 1, 0, 0) },
        { organisation: null, ...counts(5, 1, 2, 1, 1) },
      ]);
      assert.deepEqual(r.overTime, [
        { period: "2026-06-01", ...counts(2, 0, 0, 1, 1), grants: 1 },
        { period: "2026-06-02", ...counts(2, 0, 2, 0, 0), grants: 1 },
        { period: "2026-06-03", ...counts(0, 0, 0, 0, 0), grants: 1 },
        { period: "2026-06-08", ...counts(2, 1, 1, 0, 0), grants: 1 },
      ]);
      // Waits of 2, 4, 8 and 16 hours: median (4 + 8) / 2 = 6; p90 at rank 0.9 × 3 = 2.7,
      // 8 + 0.7 × (16 − 8) = 13.6. The direct grant was decided the moment it was made.
      assert.equal(r.timeToDecision.decided, 4);
      assert.equal(r.timeToDecision.immediate, 1);
      close(r.timeToDecision.medianHours, 6);
      close(r.timeToDecision.p90Hours, 13.6);
      assert.deepEqual(
        r.items.map((i) => [
          i.grantee,
          i.kind,
          i.status,
          i.country,
          i.decidedAt,
          i.hoursToDecision,
        ]),
        [
          // A revoked acceptance keeps the time it was accepted as its decision.
          ["bob", "user", "revoked", "GB", "2026-06-01T11:00:00.000Z", 2],
          ["erin", "user", "rejected", "DE", "2026-06-01T14:00:00.000Z", 4],
          ["fred", "user", "accepted", "DE", "2026-06-02T17:00:00.000Z", 8],
          ["labco", "org", "accepted", "FR", "2026-06-03T02:00:00.000Z", 16],
          ["gina", "user", "pending", "US", null, null],
          ["ivan", "user", "accepted", null, "2026-06-08T12:00:00.000Z", 0],
        ],
      );
    });

    it("groups by week starting on Monday and keeps to the days asked for", async () => {
      const weekly = await report("?interval=week");
      assert.deepEqual(
        weekly.overTime.map((p) => [
          p.period,
          p.total,
          p.pending,
          p.accepted,
          p.rejected,
          p.revoked,
          p.grants,
        ]),
        [
          ["2026-06-01", 4, 0, 2, 1, 1, 3],
          ["2026-06-08", 2, 1, 1, 0, 0, 1],
        ],
      );
      const window = await report("?from=2026-06-02&to=2026-06-03");
      assert.equal(window.from, "2026-06-02");
      assert.equal(window.to, "2026-06-03");
      assert.deepEqual(
        window.items.map((i) => i.grantee),
        ["fred", "labco"],
      );
      assert.deepEqual(window.grants, { total: 2, live: 2, expired: 0, revoked: 0 });
      // Waits of 8 and 16 hours: median 12; p90 at rank 0.9, 8 + 0.9 × 8 = 15.2.
      close(window.timeToDecision.medianHours, 12);
      close(window.timeToDecision.p90Hours, 15.2);
      const empty = await report("?from=2026-07-01");
      assert.deepEqual(empty.requests, {
        total: 0,
        pending: 0,
        accepted: 0,
        rejected: 0,
        revoked: 0,
      });
      assert.equal(empty.timeToDecision.medianHours, null);
    });

    it("refuses dates that are not dates, and from after to, with 400 naming them", async () => {
      for (const [query, message] of [
        ["?from=2026-02-30", 'from must be a date as YYYY-MM-DD, not "2026-02-30"'],
        ["?to=yesterday", 'to must be a date as YYYY-MM-DD, not "yesterday"'],
        ["?from=2026-06-05&to=2026-06-01", "from (2026-06-05) is after to (2026-06-01)"],
      ] as const) {
        const body = await expectError(
          hub.request("GET", `${REPORT}${query}`, { token: alice }),
          400,
          "BAD_REQUEST",
        );
        assert.equal(body.error, message);
      }
      await expectError(
        hub.request("GET", `${REPORT}?interval=month`, { token: alice }),
        400,
        "BAD_REQUEST",
      );
    });

    it("is for those who manage access: a member, a stranger and an anonymous caller are refused", async () => {
      for (const token of [carl, dora]) {
        await expectError(hub.request("GET", REPORT, { token }), 403, "FORBIDDEN");
      }
      await expectError(hub.request("GET", REPORT), 401, "UNAUTHENTICATED");
      await expectError(
        hub.request("GET", "/api/models/acme/nothing/access/report", { token: alice }),
        404,
        "REPO_NOT_FOUND",
      );
      await report("", alice);
    });
  });
}
