import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { createDraft, expectStatus } from "../security/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { gatehouse, tempHome } from "./run-cli.js";

describe("gatehouse model stats", () => {
  const clock = new ManualClock("2026-05-10T09:00:00.000Z");
  let hub: TestHub;
  let home: { home: string; configDir: string };
  const as = (token: string) => ({
    ...home,
    env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
  });
  const download = (version: string) =>
    expectStatus(
      hub.request("GET", `/admin/stats/resolve/${version}/w.bin`, { token: hub.adminToken }),
      200,
    ).then((res) => res.arrayBuffer());

  before(async () => {
    hub = await startHub("sqlite", {}, { clock });
    home = await tempHome();
    const token = hub.adminToken;
    await expectStatus(
      hub.request("POST", "/api/models", {
        token,
        json: { id: "admin/stats", visibility: "open" },
      }),
      201,
    );
    for (const version of ["v1", "v2"]) {
      await createDraft(hub, token, "admin/stats", version, { "w.bin": `weights ${version}` });
      await expectStatus(
        hub.request("POST", `/api/models/admin/stats/versions/${version}/publish`, { token }),
        200,
      );
      clock.advance(60);
    }
    // 2026-05-09: v1 twice; 2026-05-10: v1 once, v2 three times.
    clock.advance(-86_400);
    await download("v1");
    await download("v1");
    clock.advance(86_400);
    await download("v1");
    for (let i = 0; i < 3; i += 1) {
      await download("v2");
    }
  });
  after(async () => {
    await hub.close();
    await rm(home.home, { recursive: true, force: true });
  });

  it("prints a table of downloads per version per day, with totals", async () => {
    const result = await gatehouse(
      ["model", "stats", "admin/stats", "--days", "7"],
      as(hub.adminToken),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        "downloads of admin/stats from 2026-05-04 to 2026-05-10 (UTC days)",
        "day         v2  v1  total",
        "2026-05-09   0   2      2",
        "2026-05-10   3   1      4",
        "total        3   3      6",
        "days without a download are left out",
        "",
      ].join("\n"),
    );
  });

  it("gives the hub's figures as JSON with --json", async () => {
    const result = await gatehouse(
      ["--json", "model", "stats", "admin/stats", "--days", "1"],
      as(hub.adminToken),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      model: "admin/stats",
      from: "2026-05-10",
      to: "2026-05-10",
      versions: [
        { version: "v2", stage: "open", days: [{ day: "2026-05-10", downloads: 3 }], total: 3 },
        { version: "v1", stage: "open", days: [{ day: "2026-05-10", downloads: 1 }], total: 1 },
      ],
      total: 4,
    });
  });

  it("refuses a model the caller may not see as not found, and a bad --days before asking", async () => {
    const bob = await hub.createUser("bob");
    const hidden = await gatehouse(["model", "stats", "admin/nothing"], as(bob));
    assert.equal(hidden.code, 1);
    assert.match(
      hidden.stderr,
      /^error: Repository not found: admin\/nothing\. .+ \(REPO_NOT_FOUND\)/m,
    );
    const bad = await gatehouse(["model", "stats", "admin/stats", "--days", "0"], as(bob));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /give a whole number of days, at least 1/);
  });
});
