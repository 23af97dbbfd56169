import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { postSession, signIn } from "../support/web-session.js";
import { expectError } from "../security/support.js";
import { gatehouse, tempHome } from "./run-cli.js";

const FIRST = "alice's first passphrase";
const SECOND = "alice's second passphrase";

for (const dialect of DIALECTS) {
  describe(`gatehouse user set-password and passwd (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let home: { home: string; configDir: string };
    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
      home = await tempHome();
    });
    after(async () => {
      await hub.close();
      await rm(home.home, { recursive: true, force: true });
    });

    const as = (token: string, args: string[], stdin?: string) =>
      gatehouse(["--hub", hub.url, "--token", token, ...args], {
        ...home,
        ...(stdin === undefined ? {} : { stdin }),
      });

    it("sets a user's password from the first line of stdin (an administrator), which then signs in", async () => {
      const run = await as(
        hub.adminToken,
        ["user", "set-password", "alice", "--password-stdin"],
        `${FIRST}\n`,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "password of alice set; no web sessions were open\n");
      assert.ok(!run.stdout.includes(FIRST) && !run.stderr.includes(FIRST));
      await signIn(hub, "alice", FIRST);
    });

    it("keeps spaces at the ends of a piped password and drops only the line ending", async () => {
      const spaced = "  spaced out passphrase  ";
      const run = await as(
        hub.adminToken,
        ["--json", "user", "set-password", "alice", "--password-stdin"],
        `${spaced}\r\n`,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { user: "alice", endedSessions: 1 });
      await signIn(hub, "alice", spaced);
      await as(hub.adminToken, ["user", "set-password", "alice", "--password-stdin"], `${FIRST}\n`);
    });

    it("refuses a non-administrator, an unknown user and a short password, exiting 1 with the hub's message and code", async () => {
      const notAdmin = await as(
        alice,
        ["user", "set-password", "admin", "--password-stdin"],
        `${SECOND}\n`,
      );
      assert.equal(notAdmin.code, 1);
      assert.match(
        notAdmin.stderr,
        /^error: only a hub administrator may set users' passwords \(FORBIDDEN\)/m,
      );
      const unknown = await as(
        hub.adminToken,
        ["user", "set-password", "nobody", "--password-stdin"],
        `${SECOND}\n`,
      );
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^error: user "nobody" does not exist \(NOT_FOUND\)/m);
      const short = await as(
        hub.adminToken,
        ["user", "set-password", "alice", "--password-stdin"],
        "short\n",
      );
      assert.equal(short.code, 1);
      assert.match(
        short.stderr,
        /^error: password is 5 characters long; use at least 12 .*\(BAD_REQUEST\)/m,
      );
      await signIn(hub, "alice", FIRST);
    });

    it("never takes a password as an argument, and needs --password-stdin when there is no terminal to type on", async () => {
      const asArgument = await as(hub.adminToken, ["user", "set-password", "alice", SECOND]);
      assert.equal(asArgument.code, 2, asArgument.stderr);
      const noTerminal = await as(hub.adminToken, ["user", "set-password", "alice"]);
      assert.equal(noTerminal.code, 2);
      assert.match(
        noTerminal.stderr,
        /^error: stdin is not a terminal to type the password on; pipe it in with --password-stdin \(USAGE\)/m,
      );
      const passwd = await as(alice, ["user", "passwd"]);
      assert.equal(passwd.code, 2);
      await signIn(hub, "alice", FIRST);
    });

    it("changes one's own password with the current one, from two lines of stdin", async () => {
      const session = await signIn(hub, "alice", FIRST);
      const run = await as(alice, ["user", "passwd", "--password-stdin"], `${FIRST}\n${SECOND}\n`);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stdout,
        /^your password is changed; [1-9]\d* web sessions? ended \(tokens keep working\)\n$/,
      );
      await expectError(postSession(hub, "alice", FIRST), 401, "INVALID_CREDENTIALS");
      await expectError(
        hub.request("GET", "/api/session", { headers: { cookie: session.cookie } }),
        401,
        "INVALID_SESSION",
      );
      await signIn(hub, "alice", SECOND);
    });

    it("refuses a wrong current password, exiting 1, and keeps the password", async () => {
      const run = await as(
        alice,
        ["user", "passwd", "--password-stdin"],
        `not the password\n${FIRST}\n`,
      );
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^error: currentPassword is not your current password; type it again .*\(WRONG_PASSWORD\)/m,
      );
      await signIn(hub, "alice", SECOND);
    });
  });
}
