import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createModel } from "../security/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

describe("gatehouse limits", () => {
  let hub: TestHub;
  let home: { home: string; configDir: string };
  let dir: string;
  let owner: string;
  const as = (token: string) => ({
    ...home,
    env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
  });
  const stored = async (scope: string) =>
    hub.built.ctx.db
      .selectFrom("usage_limits")
      .select("spec")
      .where("scope", "=", scope)
      .executeTakeFirst()
      .then((r) => (r === undefined ? undefined : (JSON.parse(r.spec) as unknown)));

  before(async () => {
    hub = await startHub("sqlite");
    home = await tempHome();
    dir = await mkdtemp(path.join(tmpdir(), "gatehouse-cli-limits-"));
    owner = await hub.createUser("olivia");
    await createModel(hub, owner, "olivia/iris", "open");
  });
  after(async () => {
    await hub.close();
    await rm(home.home, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it("sets a version's limits from flags, time window and function rules included, and shows them", async () => {
    const set = await gatehouse(
      [
        "limits",
        "set",
        "olivia/iris@v1",
        "--per-second",
        "10",
        "--per-hour",
        "1000",
        "--concurrency",
        "2",
        "--hours",
        "mon-fri 08:00-20:00 Asia/Shanghai",
        "--max-batch",
        "8",
        "--no-binary",
        "--endpoints",
        "infer,metadata",
      ],
      as(owner),
    );
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^limits of olivia\/iris@v1 set\n/);
    const spec = {
      requests: { perSecond: 10, perHour: 1000 },
      concurrency: 2,
      hours: {
        days: ["mon", "tue", "wed", "thu", "fri"],
        from: "08:00",
        to: "20:00",
        timeZone: "Asia/Shanghai",
      },
      functions: { endpoints: ["infer", "metadata"], maxBatch: 8, binaryTensors: false },
    };
    const version = await hub.built.ctx.db
      .selectFrom("versions")
      .select("id")
      .executeTakeFirstOrThrow();
    assert.deepEqual(await stored(`version:${version.id}`), spec);

    const shown = await gatehouse(["--json", "limits", "show", "olivia/iris@v1"], as(owner));
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual((JSON.parse(shown.stdout) as { spec: unknown }).spec, spec);
  });

  it("sets the hub's defaults and a user's limits from a YAML file, lists them, and clears one", async () => {
    const file = path.join(dir, "limits.yaml");
    await writeFile(file, "requests:\n  perMinute: 60\n  perDay: 5000\ntimeZone: Europe/Berlin\n");
    const set = await gatehouse(["limits", "set", "default", "--file", file], as(hub.adminToken));
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(await stored("default"), {
      requests: { perMinute: 60, perDay: 5000 },
      timeZone: "Europe/Berlin",
    });
    const user = await gatehouse(
      ["limits", "set", "user:olivia", "--concurrency", "1"],
      as(hub.adminToken),
    );
    assert.equal(user.code, 0, user.stderr);

    const all = await gatehouse(["limits", "show"], as(hub.adminToken));
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^default \(set /m);
    assert.match(all.stdout, /"perDay": 5000/);

    const cleared = await gatehouse(["limits", "clear", "user:olivia"], as(hub.adminToken));
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(cleared.stdout, "limits of user:olivia removed\n");
    const again = await gatehouse(["limits", "clear", "user:olivia"], as(hub.adminToken));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no limits are set for user olivia \(NOT_FOUND\)/);
  });

  it("sets a user's token limits and cap on max_tokens from flags", async () => {
    const set = await gatehouse(
      [
        "limits",
        "set",
        "user:olivia",
        "--tokens-per-minute",
        "4000",
        "--tokens-per-month",
        "1000000",
        "--max-tokens",
        "256",
        "--protocols",
        "openai",
        "--endpoints",
        "models,completions,chat",
      ],
      as(hub.adminToken),
    );
    assert.equal(set.code, 0, set.stderr);
    const olivia = await hub.built.ctx.db
      .selectFrom("namespaces")
      .select("id")
      .where("name", "=", "olivia")
      .executeTakeFirstOrThrow();
    assert.deepEqual(await stored(`user:${olivia.id}`), {
      tokens: { perMinute: 4000, perMonth: 1000000 },
      maxTokens: 256,
      functions: { protocols: ["openai"], endpoints: ["models", "completions", "chat"] },
    });
    const cleared = await gatehouse(["limits", "clear", "user:olivia"], as(hub.adminToken));
    assert.equal(cleared.code, 0, cleared.stderr);
  });

  it("refuses what it cannot send with exit 2, and prints the hub's refusals with exit 1", async () => {
    const usage: [string[], RegExp][] = [
      [["limits", "set", "team:x", "--per-second", "1"], /"team:x" is not a scope/],
      [["limits", "set", "olivia/iris", "--per-second", "1"], /names no version/],
      [["limits", "set", "default"], /give at least one limit/],
      [
        ["limits", "set", "default", "--hours", "weekdays 8-20 UTC"],
        /--hours "weekdays 8-20 UTC" is not/,
      ],
      [
        ["limits", "set", "default", "--hours", "mon-xyz 08:00-20:00 UTC"],
        /"mon-xyz" is not a day/,
      ],
      [["limits", "set", "default", "--per-second", "0"], /--per-second takes a whole number/],
      [
        ["limits", "set", "default", "--file", path.join(dir, "none.yaml"), "--per-second", "1"],
        /either in --file or as flags/,
      ],
      [["limits", "set", "default", "--file", path.join(dir, "none.yaml")], /cannot read/],
    ];
    for (const [args, message] of usage) {
      const run = await gatehouse(args, as(hub.adminToken));
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const zone = await gatehouse(
      ["limits", "set", "default", "--per-second", "1", "--time-zone", "Mars/Olympus"],
      as(hub.adminToken),
    );
    assert.equal(zone.code, 1);
    assert.match(zone.stderr, /timeZone "Mars\/Olympus" is not an IANA time zone/);
    const notAdmin = await gatehouse(["limits", "set", "default", "--per-second", "1"], as(owner));
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /only a hub administrator may/);
  });
});
