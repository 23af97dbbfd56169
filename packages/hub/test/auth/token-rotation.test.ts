import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createToken, expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";

interface Rotation {
  id: string;
  token: string;
  info: { name: string; scopes: string[]; expiresAt: string | null };
  previous: { id: string; expiresAt: string };
}

const whoami = (hub: TestHub, token: string) => hub.request("GET", "/api/whoami-v2", { token });

for (const dialect of DIALECTS) {
  describe(`rotating a token with a grace period (${dialect})`, () => {
    let hub: TestHub;
    let clock: ManualClock;
    let alice: string;
    let bob: string;

    before(async () => {
      clock = new ManualClock();
      hub = await startHub(dialect, {}, { clock });
      alice = await hub.createUser("alice");
      bob = await hub.createUser("bob");
    });
    after(async () => {
      await hub.close();
    });

    it("gives a new secret with the same name and scopes, and both work until the grace period ends", async () => {
      const old = await createToken(hub, alice, { name: "inference", scopes: ["read"] });
      const res = await expectStatus(
        hub.request("POST", `/api/tokens/${old.id}/rotate?grace=1h`, { token: alice }),
        201,
      );
      const rotated = (await res.json()) as Rotation;
      assert.notEqual(rotated.token, old.token);
      assert.equal(rotated.info.name, "inference");
      assert.deepEqual(rotated.info.scopes, ["read"]);
      assert.equal(rotated.previous.id, old.id);
      assert.equal(
        rotated.previous.expiresAt,
        new Date(clock.now().getTime() + 3600_000).toISOString(),
      );

      await expectStatus(whoami(hub, old.token), 200);
      await expectStatus(whoami(hub, rotated.token), 200);
      const actions = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "resource", "details"])
        .orderBy("seq", "desc")
        .limit(2)
        .execute();
      assert.deepEqual(
        actions.map((a) => `${a.action} ${a.resource}`),
        [`token.rotate token:${old.id}`, `token.create token:${rotated.id}`],
      );
      assert.equal((JSON.parse(actions[0]?.details ?? "{}") as { to: string }).to, rotated.id);

      clock.advance(3599);
      await expectStatus(whoami(hub, old.token), 200);
      clock.advance(2);
      const expired = await expectError(whoami(hub, old.token), 401, "INVALID_TOKEN");
      assert.match(expired.error, new RegExp(`token ${old.id} expired at`));
      await expectStatus(whoami(hub, rotated.token), 200);
    });

    it("hangs the tokens made with the old token from the new one, so revoking the new one reaches them", async () => {
      const old = await createToken(hub, alice, { name: "deploy", scopes: ["read", "write"] });
      const child = await createToken(hub, old.token, { name: "ci", scopes: ["read"] });
      const rotated = (await (
        await expectStatus(
          hub.request("POST", `/api/tokens/${old.id}/rotate`, { token: alice }),
          201,
        )
      ).json()) as Rotation;
      const revoked = (await (
        await expectStatus(
          hub.request("DELETE", `/api/tokens/${rotated.id}`, { token: alice }),
          200,
        )
      ).json()) as { alsoRevoked: string[] };
      assert.deepEqual(revoked.alsoRevoked, [child.id]);
      await expectError(whoami(hub, child.token), 401, "INVALID_TOKEN");
    });

    it("keeps the old token's own expiry when it comes before the grace period's end", async () => {
      const old = await createToken(hub, alice, { scopes: ["read"], expiresIn: "30m" });
      const ownExpiry = new Date(clock.now().getTime() + 30 * 60_000).toISOString();
      const rotated = (await (
        await expectStatus(
          hub.request("POST", `/api/tokens/${old.id}/rotate?grace=2h`, { token: alice }),
          201,
        )
      ).json()) as Rotation;
      assert.equal(rotated.previous.expiresAt, ownExpiry);
      assert.equal(rotated.info.expiresAt, ownExpiry, "the new token keeps the old one's expiry");
    });

    it("carries the usage limits set on the old token over to the new one", async () => {
      const old = await createToken(hub, bob, { name: "service", scopes: ["read"] });
      await expectStatus(
        hub.request("PUT", `/api/limits/tokens/${old.id}`, {
          token: hub.adminToken,
          json: { requests: { perMinute: 30 } },
        }),
        200,
      );
      const rotated = (await (
        await expectStatus(hub.request("POST", `/api/tokens/${old.id}/rotate`, { token: bob }), 201)
      ).json()) as Rotation;
      const shown = (await (
        await expectStatus(
          hub.request("GET", `/api/limits/tokens/${rotated.id}`, { token: hub.adminToken }),
          200,
        )
      ).json()) as { spec: unknown };
      assert.deepEqual(shown.spec, { requests: { perMinute: 30 } });
      assert.equal(
        rotated.previous.expiresAt,
        new Date(clock.now().getTime() + 3600_000).toISOString(),
        "an hour of grace when none is asked for",
      );
    });

    it("refuses others' tokens as missing, dead tokens, long or malformed grace periods, and a second rotation at once", async () => {
      const bobs = await createToken(hub, bob, { scopes: ["read"] });
      const foreign = await expectError(
        hub.request("POST", `/api/tokens/${bobs.id}/rotate`, { token: alice }),
        404,
        "NOT_FOUND",
      );
      const missing = await expectError(
        hub.request("POST", "/api/tokens/t_missing/rotate", { token: alice }),
        404,
        "NOT_FOUND",
      );
      assert.equal(foreign.error.replace(bobs.id, "X"), missing.error.replace("t_missing", "X"));

      const revoked = await createToken(hub, alice, { scopes: ["read"] });
      await expectStatus(hub.request("DELETE", `/api/tokens/${revoked.id}`, { token: alice }), 200);
      const dead = await expectError(
        hub.request("POST", `/api/tokens/${revoked.id}/rotate`, { token: alice }),
        409,
        "CONFLICT",
      );
      assert.match(dead.error, /is revoked; only a live token can be rotated/);

      const live = await createToken(hub, alice, { scopes: ["read"] });
      const long = await expectError(
        hub.request("POST", `/api/tokens/${live.id}/rotate?grace=8d`, { token: alice }),
        400,
        "BAD_REQUEST",
      );
      assert.equal(long.error, "the grace period may be at most 7d; give a shorter one");
      await expectError(
        hub.request("POST", `/api/tokens/${live.id}/rotate?grace=soon`, { token: alice }),
        400,
        "BAD_REQUEST",
      );

      const both = await Promise.all(
        [0, 1].map(() => hub.request("POST", `/api/tokens/${live.id}/rotate`, { token: alice })),
      );
      assert.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
    });
  });
}
