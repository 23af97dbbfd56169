import assert from "node:assert/strict";
import { readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { gatehouse, tempHome } from "./run-cli.js";

for (const dialect of DIALECTS) {
  describe(`gatehouse login and whoami (${dialect})`, () => {
    let hub: TestHub;
    let aliceToken: string;
    let home: { home: string; configDir: string };
    before(async () => {
      hub = await startHub(dialect);
      aliceToken = await hub.createUser("alice");
      home = await tempHome();
    });
    after(async () => {
      await hub.close();
      await rm(home.home, { recursive: true, force: true });
    });

    it("stores a verified token in the config dir with mode 0600, then uses it", async () => {
      const login = await gatehouse(["--hub", hub.url, "--token", aliceToken, "login"], home);
      assert.equal(login.code, 0, login.stderr);
      assert.match(login.stdout, /as alice/);
      const file = path.join(home.configDir, "gatehouse", "config.json");
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      assert.deepEqual(JSON.parse(await readFile(file, "utf8")), {
        hub: hub.url,
        token: aliceToken,
      });

      // No flag, no env: hub and token come from the stored login.
      const whoami = await gatehouse(["--json", "whoami"], home);
      assert.equal(whoami.code, 0, whoami.stderr);
      assert.equal((JSON.parse(whoami.stdout) as { name: string }).name, "alice");
    });

    it("reads the token from stdin when none is given", async () => {
      const other = await tempHome();
      const login = await gatehouse(["login"], {
        ...other,
        env: { GATEHOUSE_HUB: hub.url },
        stdin: `${aliceToken}\n`,
      });
      assert.equal(login.code, 0, login.stderr);
      const file = path.join(other.configDir, "gatehouse", "config.json");
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      await rm(other.home, { recursive: true, force: true });
    });

    it("prefers --token over GATEHOUSE_TOKEN over the stored login", async () => {
      const bobToken = await hub.createUser("bob");
      const byEnv = await gatehouse(["whoami"], { ...home, env: { GATEHOUSE_TOKEN: bobToken } });
      assert.equal(byEnv.code, 0, byEnv.stderr);
      assert.match(byEnv.stdout, /^bob/);
      const byFlag = await gatehouse(["--token", hub.adminToken, "whoami"], {
        ...home,
        env: { GATEHOUSE_TOKEN: bobToken },
      });
      assert.match(byFlag.stdout, /^admin/);
    });

    it("refuses to store a token the hub rejects, exits 1 and hints at login", async () => {
      const other = await tempHome();
      const login = await gatehouse(
        ["--hub", hub.url, "--token", `hf_gth_${"z".repeat(43)}`, "login"],
        other,
      );
      assert.equal(login.code, 1);
      assert.match(login.stderr, /^error: .+ \((INVALID_TOKEN|UNAUTHENTICATED)\)/m);
      assert.match(login.stderr, /gatehouse login/);
      await assert.rejects(stat(path.join(other.configDir, "gatehouse", "config.json")));
      await rm(other.home, { recursive: true, force: true });
    });

    it("never sends the stored token to another hub", async () => {
      // The stored login is for hub.url; pointing at another hub leaves the request anonymous.
      const elsewhere = hub.url.replace("127.0.0.1", "localhost");
      const whoami = await gatehouse(["--hub", elsewhere, "whoami"], home);
      assert.equal(whoami.code, 1);
      assert.match(whoami.stderr, /no token was sent/);
    });
  });
}
