import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

const ISSUER = "https://sso.example.com/realms/lab";

for (const dialect of DIALECTS) {
  describe(`gatehouse user link-oidc (${dialect})`, () => {
    let hub: TestHub;
    let bob: string;
    let home: { home: string; configDir: string };
    before(async () => {
      // The provider is looked up on first sign-in, so linking needs none running.
      hub = await startHub(dialect, {
        GATEHOUSE_OIDC_ISSUER: ISSUER,
        GATEHOUSE_OIDC_CLIENT_ID: "gatehouse",
        GATEHOUSE_OIDC_CLIENT_SECRET: "client-key",
      });
      await hub.createUser("alice");
      bob = await hub.createUser("bob");
      home = await tempHome();
    });
    after(async () => {
      await hub.close();
      await rm(home.home, { recursive: true, force: true });
    });

    const as = (token: string, args: string[]) =>
      gatehouse(["--hub", hub.url, "--token", token, ...args], home);
    const linksOf = (name: string) =>
      hub.built.ctx.db
        .selectFrom("oidc_identities as i")
        .innerJoin("namespaces as n", "n.id", "i.user_id")
        .select(["i.issuer", "i.subject"])
        .where("n.name", "=", name)
        .execute();

    it("links a user to a subject at the provider, and linking again replaces the link", async () => {
      const run = await as(hub.adminToken, ["user", "link-oidc", "alice", "248289761001"]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `alice signs in at ${ISSUER} as subject 248289761001\n`);
      assert.deepEqual(await linksOf("alice"), [{ issuer: ISSUER, subject: "248289761001" }]);

      const again = await as(hub.adminToken, ["--json", "user", "link-oidc", "alice", "77"]);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout), { user: "alice", issuer: ISSUER, subject: "77" });
      assert.deepEqual(await linksOf("alice"), [{ issuer: ISSUER, subject: "77" }]);
    });

    it("refuses a subject linked to another user, an unknown user and a non-administrator, exiting 1 and changing nothing", async () => {
      const taken = await as(hub.adminToken, ["user", "link-oidc", "bob", "77"]);
      assert.equal(taken.code, 1);
      assert.match(
        taken.stderr,
        /^error: subject "77" is already linked to user "alice"; link that user to another subject first \(CONFLICT\)/m,
      );
      const unknown = await as(hub.adminToken, ["user", "link-oidc", "nobody", "78"]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^error: user "nobody" does not exist \(NOT_FOUND\)/m);
      const notAdmin = await as(bob, ["user", "link-oidc", "bob", "79"]);
      assert.equal(notAdmin.code, 1);
      assert.match(notAdmin.stderr, /\(FORBIDDEN\)/);
      assert.deepEqual(await linksOf("bob"), []);
      assert.deepEqual(await linksOf("alice"), [{ issuer: ISSUER, subject: "77" }]);
    });

    it("needs both the user and the subject", async () => {
      const run = await as(hub.adminToken, ["user", "link-oidc", "alice"]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /missing required argument 'subject'/);
    });
  });
}
