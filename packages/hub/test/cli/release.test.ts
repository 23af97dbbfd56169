import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { startHub, type TestHub } from "../support/harness.js";
import { cleanCard } from "../release/clean-card.js";
import { gatehouse, tempHome } from "./run-cli.js";

describe("gatehouse release, policy check, evidence and transparency", () => {
  let hub: TestHub;
  let home: { home: string; configDir: string };
  let dir: string;
  let alice: string;
  let rita: string;
  const as = (token: string) => ({
    ...home,
    env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
  });

  before(async () => {
    hub = await startHub("sqlite", { GATEHOUSE_DEFAULT_POLICY: "true" });
    home = await tempHome();
    dir = await mkdtemp(path.join(tmpdir(), "gatehouse-cli-release-"));
    alice = await hub.createUser("alice");
    rita = await hub.createUser("rita");
    assert.equal((await gatehouse(["org", "create", "acme"], as(alice))).code, 0);
    assert.equal(
      (await gatehouse(["org", "add-member", "acme", "rita", "--role", "reviewer"], as(alice)))
        .code,
      0,
    );
    await writeFile(
      path.join(dir, "README.md"),
      cleanCard({ license: "apache-2.0", risk_tier: "high" }),
    );
    await writeFile(path.join(dir, "model.bin"), "weights");
    assert.equal((await gatehouse(["model", "create", "acme/bert"], as(alice))).code, 0);
    const pushed = await gatehouse(["push", dir, "acme/bert", "--version", "1.0"], as(alice));
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /stage: private/);
  });
  after(async () => {
    await hub.close();
    await rm(home.home, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it("explains every rule with policy check and exits 1 when the move would be refused", async () => {
    const check = await gatehouse(["policy", "check", "acme/bert@1.0", "--to", "gated"], as(alice));
    assert.equal(check.code, 1, check.stderr);
    assert.match(check.stdout, /private → gated: refuse/);
    assert.match(check.stdout, /✘ high-risk-evidence: attach fresh, passing security-scan/);
    assert.match(check.stdout, /… high-risk-two-reviewers/);
    assert.match(check.stdout, /✔ licence-known/);
    assert.match(
      check.stderr,
      /error: the release policy would refuse private → gated \(POLICY_DENIED\)/,
    );
    const fine = await gatehouse(
      ["policy", "check", "acme/bert@1.0", "--to", "internal"],
      as(alice),
    );
    assert.equal(fine.code, 0, fine.stderr);
  });

  it("moves a version down and up, refusing with the failed rules, and lists the changes", async () => {
    const up = await gatehouse(
      ["release", "acme/bert@1.0", "--to", "internal", "--reason", "for colleagues"],
      as(alice),
    );
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /1\.0: private → internal done/);
    const refused = await gatehouse(
      ["release", "acme/bert@1.0", "--to", "open", "--reason", "launch"],
      as(alice),
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /high-risk-evidence/);
    assert.match(refused.stderr, /\(POLICY_DENIED\)/);
    const listed = await gatehouse(["--json", "release", "list", "acme/bert"], as(alice));
    const changes = JSON.parse(listed.stdout) as { to: string; status: string }[];
    assert.deepEqual(
      changes.map((c) => [c.to, c.status]),
      [
        ["open", "refused"],
        ["internal", "done"],
      ],
    );
  });

  it("refuses the author's own sign-off, and a reviewer's without a pending change", async () => {
    const noPending = await gatehouse(
      ["release", "approve", "acme/bert@1.0", "--comment", "looks fine"],
      as(rita),
    );
    assert.equal(noPending.code, 1);
    assert.match(noPending.stderr, /no pending stage change/);
    const usage = await gatehouse(["release", "approve", "acme/bert@1.0"], as(rita));
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--comment/);
  });

  it("shows the transparency report", async () => {
    const report = await gatehouse(["model", "transparency", "acme/bert"], as(rita));
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /acme\/bert@1\.0: internal, risk tier high/);
    assert.match(report.stdout, /licence: Apache-2\.0/);
    assert.match(report.stdout, /version\.stage → internal/);
  });

  it("shows a withdrawn version's tombstone as its transparency report", async () => {
    const withdrawn = await gatehouse(
      ["release", "acme/bert@1.0", "--to", "withdrawn", "--reason", "found a flaw"],
      as(alice),
    );
    assert.equal(withdrawn.code, 0, withdrawn.stderr);
    const report = await gatehouse(["model", "transparency", "acme/bert@1.0"], as(rita));
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /^acme\/bert@1\.0: withdrawn on \d{4}-/);
    assert.match(report.stdout, /reason: found a flaw/);
    assert.doesNotMatch(report.stdout, /licence|evidence/);
  });
});
