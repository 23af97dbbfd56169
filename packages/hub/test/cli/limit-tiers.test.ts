import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

const POLICY = `policy: usage
rules: []
tiers:
  - name: free
    qualify: "true"
    limits: { requests: { perMinute: 10 } }
  - name: partner
    limits: { requests: { perMinute: 100 } }
    weight: 4
limits:
  users:
    kai: { concurrency: 2 }
`;

describe("gatehouse limits tiers and tier", () => {
  let hub: TestHub;
  let home: { home: string; configDir: string };
  let dir: string;
  const admin = () => ({
    ...home,
    env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: hub.adminToken },
  });

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "gatehouse-cli-tiers-"));
    await writeFile(path.join(dir, "usage.yaml"), POLICY);
    hub = await startHub("sqlite", { GATEHOUSE_POLICY_DIR: dir });
    home = await tempHome();
    await hub.createUser("kai", ["read"]);
  });
  after(async () => {
    await hub.close();
    await rm(home.home, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it("approves an account for a tier, lists who holds which, and releases it", async () => {
    const set = await gatehouse(["limits", "tier", "set", "kai", "partner"], admin());
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^user kai: partner \(approved, pinned\) since /);
    const list = await gatehouse(["limits", "tiers"], admin());
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^free \(weight 1\): true \{"requests":\{"perMinute":10\}\}\n/);
    assert.match(list.stdout, /\npartner \(weight 4\): by approval only /);
    assert.match(list.stdout, /\nuser kai: partner \(approved, pinned\) since /);
    const released = await gatehouse(["limits", "tier", "release", "kai"], admin());
    assert.equal(released.code, 0, released.stderr);
    assert.match(released.stdout, /^user kai: free since /);
    const wrong = await gatehouse(["limits", "tier", "set", "kai", "gold"], admin());
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /there is no tier "gold"; the tiers are free, partner/);
  });

  it("shows the limits a policy file sets with the file", async () => {
    const shown = await gatehouse(["limits", "show"], admin());
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(
      shown.stdout,
      new RegExp(`^user:kai \\(policy file ${path.join(dir, "usage.yaml")}\\):\\n`),
    );
    const one = await gatehouse(["limits", "show", "user:kai"], admin());
    assert.equal(one.code, 0, one.stderr);
    assert.match(
      one.stdout,
      /^user kai \(policy file .*usage\.yaml\):\n\{\n {2}"concurrency": 2\n\}/,
    );
  });
});
