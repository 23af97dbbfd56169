import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Clock } from "../../src/clock/index.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { createModel, expectError, expectStatus } from "../security/support.js";

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  private ms = Date.parse("2026-03-01T12:00:00.000Z");
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

const LIMIT = 5;
const BAD = `hf_gth_${"z".repeat(43)}`;

for (const dialect of DIALECTS) {
  describe(`bad tokens are rate-limited (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    const clock = new ManualClock();
    before(async () => {
      hub = await startHub(
        dialect,
        { GATEHOUSE_AUTH_FAILURES_PER_MINUTE: String(LIMIT) },
        { clock },
      );
      alice = await hub.createUser("alice");
      await createModel(hub, alice, "alice/open", "open");
    });
    after(() => hub.close());

    it(`answers ${LIMIT} bad tokens with 401, then 429 with Retry-After, even for a good token`, async () => {
      for (let i = 0; i < LIMIT; i += 1) {
        await expectError(
          hub.request("GET", "/api/whoami-v2", { token: BAD }),
          401,
          "INVALID_TOKEN",
        );
        // Spread over the minute, so the window is sliding rather than fixed.
        clock.advance(5);
      }
      for (const token of [BAD, alice]) {
        const res = hub.request("GET", "/api/whoami-v2", { token });
        const answered = await res;
        const retryAfter = Number(answered.headers.get("retry-after"));
        const body = await expectError(Promise.resolve(answered), 429, "RATE_LIMITED");
        assert.match(body.error, /too many failed sign-ins/);
        // The first failure was 25 s ago: it leaves the window in 35 s.
        assert.equal(retryAfter, 35);
      }
    });

    it("keeps serving anonymous requests from the blocked address", async () => {
      await expectStatus(hub.request("GET", "/api/models/alice/open"), 200);
    });

    it("does not count refusals while blocked, and lets the address in again once the window has passed", async () => {
      clock.advance(34);
      await expectError(
        hub.request("GET", "/api/whoami-v2", { token: alice }),
        429,
        "RATE_LIMITED",
      );
      clock.advance(1);
      // Only the first failure has left the window: four remain, so one more bad token blocks again.
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: alice }), 200);
      await expectError(hub.request("GET", "/api/whoami-v2", { token: BAD }), 401, "INVALID_TOKEN");
      await expectError(
        hub.request("GET", "/api/whoami-v2", { token: alice }),
        429,
        "RATE_LIMITED",
      );
      clock.advance(61);
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: alice }), 200);
    });

    it("counts malformed Authorization headers as failures too", async () => {
      clock.advance(120);
      for (let i = 0; i < LIMIT; i += 1) {
        await expectError(
          hub.request("GET", "/api/whoami-v2", { headers: { authorization: "Bearer" } }),
          401,
          "INVALID_TOKEN",
        );
      }
      await expectError(
        hub.request("GET", "/api/whoami-v2", { token: alice }),
        429,
        "RATE_LIMITED",
      );
      clock.advance(61);
      await expectStatus(hub.request("GET", "/api/whoami-v2", { token: alice }), 200);
    });
  });
}
