import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

interface TokenJson {
  id: string;
  token: string;
  user: string;
  scopes: string[];
  model: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

for (const dialect of DIALECTS) {
  describe(`gatehouse users, tokens, orgs, models and audit (${dialect})`, () => {
    let hub: TestHub;
    let home: { home: string; configDir: string };
    const as = (token: string) => ({
      ...home,
      env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: token },
    });

    before(async () => {
      hub = await startHub(dialect);
      home = await tempHome();
    });
    after(async () => {
      await hub.close();
      await rm(home.home, { recursive: true, force: true });
    });

    it("lets an admin create a user and a token for them, printed once on stdout", async () => {
      const user = await gatehouse(
        ["user", "create", "carol", "--email", "carol@example.com"],
        as(hub.adminToken),
      );
      assert.equal(user.code, 0, user.stderr);
      assert.match(user.stdout, /created user carol/);

      const token = await gatehouse(
        ["token", "create", "--for", "carol", "--scopes", "read,write", "--expires", "30d"],
        as(hub.adminToken),
      );
      assert.equal(token.code, 0, token.stderr);
      const secret = token.stdout.trim();
      assert.match(secret, /^hf_gth_\S+$/);
      assert.match(token.stderr, /not shown again/);
      const me = await gatehouse(["whoami"], as(secret));
      assert.equal(me.code, 0, me.stderr);
      assert.match(me.stdout, /^carol/);
    });

    it("refuses user create to a non-admin with the hub's message and exit 1", async () => {
      const dave = await hub.createUser("dave");
      const result = await gatehouse(["user", "create", "mallory"], as(dave));
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^error: .+ \(FORBIDDEN\)/m);
    });

    it("creates, lists and revokes a token restricted to a model", async () => {
      const erin = await hub.createUser("erin");
      assert.equal((await gatehouse(["model", "create", "erin/m1"], as(erin))).code, 0);
      const created = await gatehouse(
        ["--json", "token", "create", "--scopes", "read", "--model", "erin/m1", "--name", "ci"],
        as(erin),
      );
      assert.equal(created.code, 0, created.stderr);
      const token = JSON.parse(created.stdout) as TokenJson;
      assert.equal(token.model, "erin/m1");
      assert.deepEqual(token.scopes, ["read"]);

      const list = await gatehouse(["token", "list"], as(erin));
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, new RegExp(`${token.id}\\s+ci\\s+erin\\s+read\\s+erin/m1`));
      assert.equal(list.stdout.includes(token.token), false, "a listing never shows a secret");

      const child = await gatehouse(
        ["--json", "token", "create", "--name", "child"],
        as(token.token),
      );
      assert.equal(child.code, 0, child.stderr);
      const childToken = JSON.parse(child.stdout) as TokenJson;
      assert.equal(childToken.model, "erin/m1");

      const revoked = await gatehouse(["token", "revoke", token.id], as(erin));
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(
        revoked.stdout,
        `revoked token ${token.id} (ci) of erin, and 1 token created from it\n`,
      );
      assert.equal((await gatehouse(["whoami"], as(childToken.token))).code, 1);
      const after = await gatehouse(["--json", "token", "list"], as(erin));
      const listed = (JSON.parse(after.stdout) as { tokens: TokenJson[] }).tokens;
      assert.notEqual(listed.find((t) => t.id === token.id)?.revokedAt ?? null, null);
      const refused = await gatehouse(["whoami"], as(token.token));
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /gatehouse login/);
    });

    it("creates an organisation and adds a member with a role", async () => {
      const owner = await hub.createUser("frank");
      await hub.createUser("grace");
      const org = await gatehouse(["org", "create", "acme"], as(owner));
      assert.equal(org.code, 0, org.stderr);
      const added = await gatehouse(
        ["org", "add-member", "acme", "grace", "--role", "maintainer"],
        as(owner),
      );
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /grace is now maintainer of acme/);
      const members = await gatehouse(["--json", "org", "members", "acme"], as(owner));
      assert.deepEqual(
        (JSON.parse(members.stdout) as { members: { user: string; role: string }[] }).members,
        [
          { user: "frank", role: "owner", signoffRoles: [] },
          { user: "grace", role: "maintainer", signoffRoles: [] },
        ],
      );
      const lines = await gatehouse(["org", "members", "acme"], as(owner));
      assert.equal(lines.stdout, "frank\towner\t\ngrace\tmaintainer\t\n");
    });

    it("creates models with the stage their versions start at, lists them across pages and shows one", async () => {
      const heidi = await hub.createUser("heidi");
      for (let i = 0; i < 103; i += 1) {
        const res = await hub.request("POST", "/api/models", {
          token: heidi,
          json: { id: `heidi/bulk-${String(i).padStart(3, "0")}`, visibility: "private" },
        });
        assert.equal(res.status, 201);
      }
      const open = await gatehouse(["model", "create", "heidi/shown", "--open"], as(heidi));
      assert.equal(open.code, 0, open.stderr);
      assert.match(open.stdout, /created model heidi\/shown \(versions start open\)/);
      const internal = await gatehouse(
        ["--json", "model", "create", "heidi/inside", "--internal"],
        as(heidi),
      );
      assert.equal(
        (JSON.parse(internal.stdout) as { initialStage: string }).initialStage,
        "internal",
      );

      const list = await gatehouse(["--json", "model", "list", "--author", "heidi"], as(heidi));
      assert.equal(list.code, 0, list.stderr);
      const ids = (JSON.parse(list.stdout) as { id: string }[]).map((m) => m.id);
      assert.equal(ids.length, 105, "the 100-per-page listing was followed to its end");
      assert.equal(new Set(ids).size, 105);

      const card = "---\nlicense: apache-2.0\n---\n# Shown\n";
      const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-cli-show-"));
      await mkdir(path.join(dir, "w"));
      await writeFile(path.join(dir, "README.md"), card);
      await writeFile(path.join(dir, "w", "x.bin"), "weights");
      const push = await gatehouse(["push", dir, "heidi/shown", "--version", "1.0"], as(heidi));
      assert.equal(push.code, 0, push.stderr);
      await rm(dir, { recursive: true, force: true });

      const show = await gatehouse(["model", "show", "heidi/shown"], as(heidi));
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, /^heidi\/shown \(open\)/);
      assert.match(show.stdout, /newest version: 1\.0 \([0-9a-f]{40}\)/);
      assert.match(show.stdout, /w\/x\.bin/);

      // Open to read, not to write: another user is refused with the hub's message.
      const ivan = await hub.createUser("ivan");
      const dir2 = await mkdtemp(path.join(tmpdir(), "gatehouse-cli-show-"));
      await writeFile(path.join(dir2, "x.bin"), "x");
      const refused = await gatehouse(["push", dir2, "heidi/shown", "--version", "2.0"], as(ivan));
      await rm(dir2, { recursive: true, force: true });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^error: .+ \(FORBIDDEN\)/m);
    });

    it("verifies the audit log and tails it", async () => {
      const verify = await gatehouse(["audit", "verify"], as(hub.adminToken));
      assert.equal(verify.code, 0, verify.stderr);
      assert.match(verify.stdout, /audit log intact: \d+ events verified/);
      const tail = await gatehouse(["--json", "audit", "tail", "-n", "3"], as(hub.adminToken));
      assert.equal(tail.code, 0, tail.stderr);
      const events = (JSON.parse(tail.stdout) as { events: { seq: number }[] }).events;
      assert.equal(events.length, 3);
      assert.ok((events[0]?.seq ?? 0) < (events[2]?.seq ?? 0));
    });

    it("names the first broken event and exits 1 when the audit log was tampered with", async () => {
      const db = hub.built.ctx.db;
      const first = await db
        .selectFrom("audit_events")
        .select(["seq"])
        .orderBy("seq")
        .executeTakeFirstOrThrow();
      await db
        .updateTable("audit_events")
        .set({ action: "tampered" })
        .where("seq", "=", first.seq)
        .execute();
      const verify = await gatehouse(["audit", "verify"], as(hub.adminToken));
      assert.equal(verify.code, 1);
      assert.match(
        verify.stderr,
        new RegExp(`^error: audit log broken at event ${first.seq}: `, "m"),
      );
    });
  });
}
