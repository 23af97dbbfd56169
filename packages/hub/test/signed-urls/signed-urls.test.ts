import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { publishGated, gatedCard } from "../access/gate-support.js";
import { gatehouse, tempHome } from "../cli/run-cli.js";
import { createModel, expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { adminPassword, fromPage, signIn } from "../support/web-session.js";

const HOUR = 3600;
/** Binary weights, so that a byte-for-byte comparison means something. */
const WEIGHTS = randomBytes(8192);
const GATED_WEIGHTS = "gated weights ".repeat(500);

interface Signed {
  readonly url: string;
  readonly expiresAt: string;
  readonly revision: string;
  readonly version: string;
}

for (const dialect of DIALECTS) {
  describe(`signed download URLs (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let bob: string;
    let eve: string;
    let bobId: string;
    const clock = new ManualClock("2026-07-01T09:00:00.000Z");

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      alice = await hub.createUser("alice");
      bob = await hub.createUser("bob");
      eve = await hub.createUser("eve");
      bobId = (
        await hub.built.ctx.db
          .selectFrom("namespaces")
          .select("id")
          .where("name", "=", "bob")
          .executeTakeFirstOrThrow()
      ).id;
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: alice, json: { name: "acme" } }),
        201,
      );
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: alice,
          json: { id: "acme/open", visibility: "open" },
        }),
        201,
      );
      await expectStatus(
        hub.request("POST", "/api/models/acme/open/versions", {
          token: alice,
          json: { name: "v1" },
        }),
        201,
      );
      for (const [path, body] of [
        ["weights.bin", WEIGHTS],
        ["README.md", Buffer.from("# open\n")],
      ] as const) {
        await expectStatus(
          hub.request("PUT", `/api/models/acme/open/versions/v1/files/${path}`, {
            token: alice,
            body,
          }),
          201,
        );
      }
      await expectStatus(
        hub.request("POST", "/api/models/acme/open/versions/v1/publish", { token: alice }),
        200,
      );
      await publishGated(hub, alice, "acme/llm", "v1", {
        "README.md": gatedCard(),
        "weights.bin": GATED_WEIGHTS,
      });
      await createModel(hub, alice, "acme/secret", "private", { "weights.bin": "secret weights" });
      await expectStatus(
        hub.request("POST", "/api/models/acme/llm/user-access-request/grant", {
          token: alice,
          json: { user: "bob" },
        }),
        200,
      );
      await expectStatus(
        hub.request("POST", "/api/models/acme/llm/access/accept", { token: bob, json: {} }),
        200,
      );
    });
    after(() => hub.close());

    const ask = (token: string | undefined, id: string, body: Record<string, unknown>) =>
      hub.request("POST", `/api/models/${id}/signed-urls`, {
        ...(token === undefined ? {} : { token }),
        json: body,
      });
    const sign = async (
      token: string,
      id: string,
      revision = "v1",
      path = "weights.bin",
      expiresIn = "1h",
    ): Promise<Signed> =>
      (await (
        await expectStatus(ask(token, id, { revision, path, expiresIn }), 201)
      ).json()) as Signed;
    /** The URL with one query parameter or path part replaced. */
    const changed = (url: string, change: (u: URL) => void): string => {
      const u = new URL(url);
      change(u);
      return u.toString();
    };
    const bytesOf = async (res: Response): Promise<Buffer> => Buffer.from(await res.arrayBuffer());

    it("signs a URL of an open file that downloads with plain fetch, no token, byte for byte, with Range and HEAD", async () => {
      const signed = await sign(alice, "acme/open");
      assert.match(
        signed.url,
        new RegExp(`^${hub.url}/acme/open/resolve/${signed.revision}/weights\\.bin\\?`),
      );
      assert.match(signed.revision, /^[0-9a-f]{40}$/);
      assert.equal(signed.version, "v1");
      assert.equal(signed.expiresAt, "2026-07-01T10:00:00.000Z");
      const whole = await expectStatus(fetch(signed.url), 200);
      assert.equal(whole.headers.get("cache-control"), "private, no-store");
      assert.deepEqual(await bytesOf(whole), WEIGHTS);
      const part = await expectStatus(
        fetch(signed.url, { headers: { range: "bytes=100-4195" } }),
        206,
      );
      assert.equal(part.headers.get("content-range"), `bytes 100-4195/${WEIGHTS.length}`);
      assert.deepEqual(await bytesOf(part), WEIGHTS.subarray(100, 4196));
      const head = await expectStatus(fetch(signed.url, { method: "HEAD" }), 200);
      assert.equal(head.headers.get("content-length"), String(WEIGHTS.length));
    });

    it("signs a URL of a gated file for a grantee who accepted the licence, naming the version's commit", async () => {
      const signed = await sign(bob, "acme/llm", "main");
      assert.ok(!signed.url.includes("/resolve/main/"), signed.url);
      const res = await expectStatus(fetch(signed.url), 200);
      assert.equal(await res.text(), GATED_WEIGHTS);
      const part = await expectStatus(
        fetch(signed.url, { headers: { range: "bytes=14-27" } }),
        206,
      );
      assert.equal(await part.text(), GATED_WEIGHTS.slice(14, 28));
    });

    it("refuses a URL whose path, revision, expiry, grantee or signature was changed, or that lacks a part, with 403 SIGNED_URL_INVALID", async () => {
      const signed = await sign(alice, "acme/open");
      const bobs = new URL((await sign(bob, "acme/open")).url);
      const cases: [string, string][] = [
        ["path", signed.url.replace("/weights.bin?", "/README.md?")],
        ["revision", signed.url.replace(`/resolve/${signed.revision}/`, "/resolve/v1/")],
        ["model", signed.url.replace("/acme/open/", "/acme/llm/")],
        [
          "expiry",
          changed(signed.url, (u) => {
            u.searchParams.set("expires", String(Number(u.searchParams.get("expires")) + HOUR));
          }),
        ],
        [
          "grantee",
          changed(signed.url, (u) => {
            u.searchParams.set("grantee", bobs.searchParams.get("grantee") ?? "");
          }),
        ],
        [
          "signature",
          changed(signed.url, (u) => {
            u.searchParams.set("sig", bobs.searchParams.get("sig") ?? "");
          }),
        ],
        [
          "a missing signature",
          changed(signed.url, (u) => {
            u.searchParams.delete("sig");
          }),
        ],
        [
          "an unknown key",
          changed(signed.url, (u) => {
            u.searchParams.set("key", "sk_0");
          }),
        ],
        [
          "an expiry that is no time",
          changed(signed.url, (u) => {
            u.searchParams.set("expires", "soon");
          }),
        ],
      ];
      for (const [what, url] of cases) {
        const res = await fetch(url);
        const body = await res.text();
        assert.equal(res.status, 403, `${what}: ${body}`);
        assert.equal(res.headers.get("x-error-code"), "SIGNED_URL_INVALID", what);
        assert.match(body, /This signed URL is not valid: /, what);
        const head = await fetch(url, { method: "HEAD" });
        assert.equal(head.status, 403, what);
      }
      const missing = await expectError(
        fetch(
          changed(signed.url, (u) => {
            u.searchParams.delete("sig");
          }),
        ),
        403,
        "SIGNED_URL_INVALID",
      );
      assert.equal(missing.error, "This signed URL is not valid: it lacks sig; copy the whole URL");
      const both = await expectError(
        fetch(signed.url, { headers: { authorization: `Bearer ${alice}` } }),
        400,
        "BAD_REQUEST",
      );
      assert.match(both.error, /not both/);
    });

    it("serves a URL to a browser signed in to the web UI as the URL's grantee, its session cookie aside", async () => {
      const session = await signIn(hub, "admin", await adminPassword(hub));
      clock.advance(7 * 86_400 - 3600);
      // Signed from the web UI an hour before the session ends: the session's end bounds nothing.
      const made = await expectStatus(
        hub.request("POST", "/api/models/acme/open/signed-urls", {
          json: { revision: "v1", path: "weights.bin", expiresIn: "2h" },
          headers: fromPage(session),
        }),
        201,
      );
      const fromAdmin = (await made.json()) as Signed;
      const fromAlice = await sign(alice, "acme/open");
      for (const url of [fromAdmin.url, fromAlice.url]) {
        const res = await expectStatus(fetch(url, { headers: { cookie: session.cookie } }), 200);
        assert.deepEqual(await bytesOf(res), WEIGHTS);
      }
    });

    it("refuses a URL after it expires by the hub's clock with 403 SIGNED_URL_EXPIRED", async () => {
      const signed = await sign(alice, "acme/open", "v1", "weights.bin", "30m");
      await expectStatus(fetch(signed.url), 200);
      clock.advance(30 * 60);
      const body = await expectError(fetch(signed.url), 403, "SIGNED_URL_EXPIRED");
      assert.match(
        body.error,
        /^This signed URL expired at .*; ask for a new one with 'gatehouse url'$/,
      );
    });

    it("stops a grantee's URL at once when the grant is revoked, a resumed Range request included, and gives no new one", async () => {
      const signed = await sign(bob, "acme/llm");
      await expectStatus(fetch(signed.url, { headers: { range: "bytes=0-0" } }), 206);
      await expectStatus(
        hub.request("POST", "/api/models/acme/llm/access/revoke", {
          token: alice,
          json: { user: "bob", reason: "left the project" },
        }),
        200,
      );
      await expectError(fetch(signed.url, { headers: { range: "bytes=1-" } }), 403, "GATED");
      const res = await fetch(signed.url, { method: "HEAD" });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get("x-error-code"), "GatedRepo");
      await expectError(
        ask(bob, "acme/llm", { revision: "v1", path: "weights.bin", expiresIn: "1h" }),
        403,
        "GATED",
      );
    });

    it("stops a URL when its version is withdrawn, with 403", async () => {
      await createModel(hub, alice, "acme/old", "open", { "weights.bin": "old weights" });
      const signed = await sign(alice, "acme/old");
      await expectStatus(fetch(signed.url), 200);
      await expectStatus(
        hub.request("POST", "/api/models/acme/old/versions/v1/transitions", {
          token: alice,
          json: { to: "withdrawn", reason: "a flaw was found" },
        }),
        200,
      );
      const body = await expectError(fetch(signed.url), 403, "FORBIDDEN");
      assert.match(body.error, /^This signed URL no longer gives access/);
    });

    it("gives no URL to a caller who may not download the file, answering as the download would", async () => {
      const body = { revision: "v1", path: "weights.bin", expiresIn: "1h" };
      await expectError(ask(eve, "acme/llm", body), 403, "GATED");
      const hidden = await expectError(ask(eve, "acme/secret", body), 404, "REPO_NOT_FOUND");
      const missing = await expectError(ask(eve, "acme/nothing", body), 404, "REPO_NOT_FOUND");
      assert.equal(hidden.error.replaceAll("acme/secret", "acme/nothing"), missing.error);
      await expectError(ask(undefined, "acme/secret", body), 401, "REPO_NOT_FOUND");
      await expectError(ask(undefined, "acme/open", body), 401, "UNAUTHENTICATED");
      await expectError(
        ask(alice, "acme/open", { ...body, path: "nope.bin" }),
        404,
        "ENTRY_NOT_FOUND",
      );
      const long = await expectError(
        ask(alice, "acme/open", { ...body, expiresIn: "8d" }),
        400,
        "BAD_REQUEST",
      );
      assert.match(long.error, /GATEHOUSE_SIGNED_URL_MAX_EXPIRY/);
      const short = await hub.request("POST", "/api/tokens", {
        token: alice,
        json: { scopes: ["read"], expiresIn: "1h" },
      });
      const shortToken = ((await short.json()) as { token: string }).token;
      const outlives = await expectError(
        ask(shortToken, "acme/open", { ...body, expiresIn: "2h" }),
        400,
        "BAD_REQUEST",
      );
      assert.match(outlives.error, /may not outlive the token/);
    });

    it("keeps verifying URLs signed before a rotation until the old keys are retired", async () => {
      const before = await sign(alice, "acme/open");
      await expectError(
        hub.request("POST", "/api/admin/signing-keys/rotate", { token: alice, json: {} }),
        403,
        "FORBIDDEN",
      );
      const rotated = (await (
        await expectStatus(
          hub.request("POST", "/api/admin/signing-keys/rotate", {
            token: hub.adminToken,
            json: {},
          }),
          200,
        )
      ).json()) as { keys: { id: string; retiredAt: string | null }[] };
      assert.equal(rotated.keys.length, 2);
      assert.ok(rotated.keys.every((k) => k.retiredAt === null));
      assert.ok(!JSON.stringify(rotated).includes("secret"));
      const afterRotation = await sign(alice, "acme/open");
      assert.equal(new URL(afterRotation.url).searchParams.get("key"), rotated.keys[0]?.id);
      assert.notEqual(new URL(before.url).searchParams.get("key"), rotated.keys[0]?.id);
      await expectStatus(fetch(before.url), 200);
      await expectStatus(
        hub.request("POST", "/api/admin/signing-keys/retire", { token: hub.adminToken }),
        200,
      );
      const refused = await expectError(fetch(before.url), 403, "SIGNED_URL_INVALID");
      assert.match(refused.error, /unknown or retired/);
      await expectStatus(fetch(afterRotation.url), 200);
      const events = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "actor_id"])
        .where("action", "like", "signing-key.%")
        .orderBy("seq")
        .execute();
      assert.deepEqual(
        events.map((e) => e.action),
        ["signing-key.create", "signing-key.create", "signing-key.retire"],
      );
    });

    it("records every use in the audit log as its grantee's download, without the signature", async () => {
      const signed = await sign(bob, "acme/open");
      const sig = new URL(signed.url).searchParams.get("sig") ?? "";
      assert.ok(sig.length >= 43);
      const before = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .executeTakeFirstOrThrow();
      await expectStatus(fetch(signed.url, { headers: { range: "bytes=0-9" } }), 206);
      const rows = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "actor_id", "details"])
        .where("seq", ">", before.seq)
        .execute();
      const [row, ...more] = rows;
      assert.equal(more.length, 0);
      assert.ok(row !== undefined);
      assert.equal(row.action, "file.download");
      assert.equal(row.actor_id, bobId);
      const details = JSON.parse(row.details) as Record<string, unknown>;
      assert.equal(details.signedUrl, true);
      assert.equal(details.path, "weights.bin");
      assert.deepEqual(details.range, [0, 9]);
      const all = await hub.built.ctx.db.selectFrom("audit_events").select("details").execute();
      assert.ok(
        all.every((r) => !r.details.includes(sig)),
        "an audit event holds a signature",
      );
    });

    it("prints a working URL with gatehouse url", async () => {
      const home = await tempHome();
      const env = { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: alice };
      const result = await gatehouse(["url", "acme/open@v1", "weights.bin", "--expires", "2h"], {
        ...home,
        env,
      });
      assert.equal(result.code, 0, result.stderr);
      const url = result.stdout.trim();
      assert.match(
        url,
        /^http:\/\/127\.0\.0\.1:\d+\/acme\/open\/resolve\/[0-9a-f]{40}\/weights\.bin\?/,
      );
      assert.deepEqual(await bytesOf(await expectStatus(fetch(url), 200)), WEIGHTS);
      const refused = await gatehouse(["url", "acme/secret@v1", "weights.bin"], {
        ...home,
        env: { ...env, GATEHOUSE_TOKEN: eve },
      });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /\(REPO_NOT_FOUND\)/);
      const rotated = await gatehouse(["admin", "rotate-signing-key", "--retire-old"], {
        ...home,
        env: { ...env, GATEHOUSE_TOKEN: hub.adminToken },
      });
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stdout, /^sk_\w+ +created \S+ +signing$/m);
      await expectError(fetch(url), 403, "SIGNED_URL_INVALID");
    });
  });
}
