import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { createModel, expectError, expectStatus } from "../security/support.js";

/** Failures allowed in a burst; then one more every 60 / LIMIT = 12 seconds. */
const LIMIT = 5;
const SPACING_S = 60 / LIMIT;

/** A well-formed token that no hub issued; each call gives a new one. */
const badToken = (): string => `hf_gth_${randomBytes(32).toString("hex")}`;

/** Each test takes addresses of its own, so no test depends on what another left behind. */
let nextAddress = 1;
const freshAddress = (): string => {
  nextAddress += 1;
  return `203.0.113.${nextAddress}`;
};

interface Sent {
  readonly token?: string;
  readonly from?: string;
  readonly authorization?: string;
}

function whoami(hub: TestHub, sent: Sent): Promise<Response> {
  const headers: Record<string, string> = {};
  if (sent.from !== undefined) {
    headers["x-forwarded-for"] = sent.from;
  }
  if (sent.authorization !== undefined) {
    headers.authorization = sent.authorization;
  }
  return hub.request("GET", "/api/whoami-v2", {
    headers,
    ...(sent.token === undefined ? {} : { token: sent.token }),
  });
}

const expectInvalid = (hub: TestHub, sent: Sent): Promise<unknown> =>
  expectError(whoami(hub, sent), 401, "INVALID_TOKEN");

/** Asserts a 429 RATE_LIMITED whose message matches `why` and whose Retry-After is `seconds`. */
async function expectLimited(
  hub: TestHub,
  sent: Sent,
  why: RegExp,
  seconds: number,
): Promise<void> {
  const answered = await whoami(hub, sent);
  const retryAfter = answered.headers.get("retry-after");
  const body = await expectError(Promise.resolve(answered), 429, "RATE_LIMITED");
  assert.match(body.error, why);
  assert.equal(retryAfter, String(seconds));
  assert.ok(body.error.includes(`${seconds} s`), body.error);
}

const FROM_ADDRESS = /too many failed sign-ins from this address; try again in/;
const THIS_TOKEN = /this token was refused too often: it is unknown, expired or revoked/;

for (const dialect of DIALECTS) {
  describe(`failed sign-ins behind a trusted proxy are limited per address and per token (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    const clock = new ManualClock();
    before(async () => {
      hub = await startHub(
        dialect,
        { GATEHOUSE_AUTH_FAILURES_PER_MINUTE: String(LIMIT), GATEHOUSE_TRUST_PROXY: "127.0.0.1" },
        { clock },
      );
      alice = await hub.createUser("alice");
      await createModel(hub, alice, "alice/open", "open");
    });
    after(() => hub.close());

    it("serves a valid token and anonymous requests from an address over its limit", async () => {
      const from = freshAddress();
      for (let i = 0; i < LIMIT; i += 1) {
        await expectInvalid(hub, { token: badToken(), from });
      }
      await expectLimited(hub, { token: badToken(), from }, FROM_ADDRESS, SPACING_S);
      const me = await expectStatus(whoami(hub, { token: alice, from }), 200);
      assert.equal(((await me.json()) as { name: string }).name, "alice");
      await expectStatus(
        hub.request("GET", "/api/models/alice/open", { headers: { "x-forwarded-for": from } }),
        200,
      );
    });

    it("limits one bad token repeated from many addresses on its own", async () => {
      const token = badToken();
      for (let i = 0; i < LIMIT; i += 1) {
        await expectInvalid(hub, { token, from: freshAddress() });
      }
      // A new address, with no failure of its own: the token alone is over its limit.
      const from = freshAddress();
      await expectLimited(hub, { token, from }, THIS_TOKEN, SPACING_S);
      // The address was not blocked by it: another bad token still gets the plain 401.
      await expectInvalid(hub, { token: badToken(), from });
      await expectStatus(whoami(hub, { token: alice, from }), 200);
    });

    it("limits two forwarded addresses separately", async () => {
      const noisy = freshAddress();
      const quiet = freshAddress();
      for (let i = 0; i < LIMIT; i += 1) {
        await expectInvalid(hub, { token: badToken(), from: noisy });
      }
      await expectLimited(hub, { token: badToken(), from: noisy }, FROM_ADDRESS, SPACING_S);
      await expectInvalid(hub, { token: badToken(), from: quiet });
    });

    it("takes the client from the right of X-Forwarded-For, past the trusted proxies", async () => {
      const client = freshAddress();
      for (let i = 0; i < LIMIT; i += 1) {
        // What the client wrote itself (the left part) can be anything; the proxy appended the right part.
        await expectInvalid(hub, { token: badToken(), from: `10.0.0.${i}, ${client}` });
      }
      await expectLimited(hub, { token: badToken(), from: client }, FROM_ADDRESS, SPACING_S);
    });

    it("counts down Retry-After, then lets one more failure through every 60 / limit seconds", async () => {
      const from = freshAddress();
      for (let i = 0; i < LIMIT; i += 1) {
        await expectInvalid(hub, { token: badToken(), from });
      }
      await expectLimited(hub, { token: badToken(), from }, FROM_ADDRESS, 12);
      clock.advance(7);
      await expectLimited(hub, { token: badToken(), from }, FROM_ADDRESS, 5);
      clock.advance(4.5);
      // 0.5 s left: Retry-After rounds up.
      await expectLimited(hub, { token: badToken(), from }, FROM_ADDRESS, 1);
      clock.advance(0.5);
      await expectInvalid(hub, { token: badToken(), from });
      await expectLimited(hub, { token: badToken(), from }, FROM_ADDRESS, 12);
      // After a full minute without failures, the whole allowance is back.
      clock.advance(60);
      for (let i = 0; i < LIMIT; i += 1) {
        await expectInvalid(hub, { token: badToken(), from });
      }
      await expectLimited(hub, { token: badToken(), from }, FROM_ADDRESS, 12);
    });

    it("counts malformed Authorization headers as failures", async () => {
      const from = freshAddress();
      for (const authorization of ["Bearer", "Basic YWxpY2U6cHc=", "Bearer a b", "token", "x"]) {
        const body = await expectError(whoami(hub, { authorization, from }), 401, "INVALID_TOKEN");
        assert.match(body.error, /expected 'Bearer <token>'/);
      }
      await expectLimited(hub, { authorization: "Bearer", from }, FROM_ADDRESS, SPACING_S);
      await expectStatus(whoami(hub, { token: alice, from }), 200);
    });

    it("limits IPv6 clients by their /64 network", async () => {
      for (let i = 0; i < LIMIT; i += 1) {
        await expectInvalid(hub, { token: badToken(), from: `2001:db8:7:7::${i + 1}` });
      }
      await expectLimited(
        hub,
        { token: badToken(), from: "2001:db8:7:7:ffff::1" },
        FROM_ADDRESS,
        SPACING_S,
      );
      await expectInvalid(hub, { token: badToken(), from: "2001:db8:7:8::1" });
    });
  });

  describe(`failed sign-ins without a trusted proxy (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    before(async () => {
      hub = await startHub(
        dialect,
        // A proxy is trusted, but not the one the requests come from (127.0.0.1).
        { GATEHOUSE_AUTH_FAILURES_PER_MINUTE: String(LIMIT), GATEHOUSE_TRUST_PROXY: "10.1.2.3" },
        { clock: new ManualClock() },
      );
      alice = await hub.createUser("alice");
    });
    after(() => hub.close());

    it("ignores X-Forwarded-For from a proxy it does not trust, and still serves valid tokens", async () => {
      for (let i = 0; i < LIMIT; i += 1) {
        await expectInvalid(hub, { token: badToken(), from: freshAddress() });
      }
      // Every failure counted against 127.0.0.1, whatever the header claimed.
      await expectLimited(hub, { token: badToken(), from: freshAddress() }, FROM_ADDRESS, 12);
      await expectStatus(whoami(hub, { token: alice, from: freshAddress() }), 200);
      await expectStatus(whoami(hub, { token: alice }), 200);
    });
  });
}
