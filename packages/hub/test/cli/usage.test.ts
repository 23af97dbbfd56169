import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { settleUsage } from "../limits/usage-support.js";
import { expectStatus } from "../security/support.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

describe("gatehouse usage report", () => {
  let hub: TestHub;
  let home: { home: string; configDir: string };
  let iris: Awaited<ReturnType<typeof trainIris>>;
  let owner: string;
  let caller: string;
  const as = (token: string) => ({
    ...home,
    env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
  });

  before(async () => {
    iris = await trainIris();
    hub = await startHub("sqlite");
    home = await tempHome();
    owner = await hub.createUser("olivia");
    caller = await hub.createUser("carl");
    await publishAt(hub, owner, "olivia/iris", "api", "v1", { "model.onnx": iris.bytes });
    await enable(hub, owner, "olivia/iris", "v1");
    const url = "/v2/models/olivia--iris/versions/v1/infer";
    for (const json of [
      irisRequest(IRIS_ROWS),
      irisRequest(IRIS_ROWS.slice(0, 1)),
      { inputs: [{ name: "features", shape: [1, 2], datatype: "FP32", data: [1, 2] }] },
    ]) {
      await (await hub.request("POST", url, { token: caller, json })).arrayBuffer();
    }
    await expectStatus(hub.request("GET", "/v2/models/olivia--iris", { token: caller }), 200);
    await settleUsage(hub, 4);
  });
  after(async () => {
    await hub.close();
    await iris.cleanup();
    await rm(home.home, { recursive: true, force: true });
  });

  it("prints a table of the calls by user, and the same figures as JSON", async () => {
    const table = await gatehouse(["usage", "report", "--by", "user"], as(hub.adminToken));
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split("\n");
    assert.match(
      lines[0] ?? "",
      /^hosted-inference calls by user from \S+ to \S+ \(hourly totals\)$/,
    );
    assert.match(lines[1] ?? "", /^user\s+requests\s+errors\s+rows\s+avg ms\s+max ms$/);
    assert.match(lines[2] ?? "", /^carl\s+4\s+1\s+6\s+\d+\.\d\s+\d+$/);
    assert.equal(lines.length, 3);

    const json = await gatehouse(
      ["--json", "usage", "report", "--by", "model", "--since", "1d", "--model", "olivia/iris"],
      as(caller),
    );
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as {
      by: string;
      rows: { label: string; requests: number; errors: number; rows: number }[];
    };
    assert.equal(report.by, "model");
    assert.deepEqual(
      report.rows.map((r) => [r.label, r.requests, r.errors, r.rows]),
      [["olivia/iris@v1", 4, 1, 6]],
    );
  });

  it("says so when there is nothing to show", async () => {
    const empty = await gatehouse(["usage", "report", "--by", "token"], as(owner));
    assert.equal(empty.code, 0, empty.stderr);
    // The owner sees the calls to their model, under token ids that are not theirs to name.
    assert.match(empty.stdout, /\nt_\w+\s+4\s+1\s+6\s/);
    const since = await gatehouse(
      ["usage", "report", "--since", "2020-01-01", "--until", "2020-02-01"],
      as(caller),
    );
    assert.equal(since.code, 0, since.stderr);
    assert.match(since.stdout, /\(daily totals\)\nno calls you may see\n$/);
  });

  it("exits non-zero with the hub's message on a refusal and with usage on a bad flag", async () => {
    const hidden = await gatehouse(["usage", "report", "--model", "olivia/nothing"], as(caller));
    assert.equal(hidden.code, 1);
    assert.match(hidden.stderr, /error: .*olivia\/nothing.*\(/);
    const since = await gatehouse(["usage", "report", "--since", "last week"], as(caller));
    assert.equal(since.code, 1);
    assert.match(since.stderr, /since "last week" is neither a duration/);
    const by = await gatehouse(["usage", "report", "--by", "planet"], as(caller));
    assert.equal(by.code, 2);
    assert.match(by.stderr, /give one of token, user, org, model/);
  });
});
