import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isTimeZone, limitWindow, type LimitPeriod } from "../../src/limits/index.js";

/** Asserts the window of `period` at `at` (ISO) runs from `start` to `end` (ISO), reference values worked out by hand. */
function assertWindow(
  period: LimitPeriod,
  at: string,
  zone: string | undefined,
  start: string,
  end: string,
  seconds: number,
): void {
  assert.deepEqual(limitWindow(period, Date.parse(at), zone), {
    startMs: Date.parse(start),
    endMs: Date.parse(end),
    windowSeconds: seconds,
  });
}

describe("limit windows", () => {
  it("aligns seconds, minutes and hours to the epoch", () => {
    assertWindow(
      "second",
      "2026-12-02T10:11:12.345Z",
      undefined,
      "2026-12-02T10:11:12.000Z",
      "2026-12-02T10:11:13.000Z",
      1,
    );
    assertWindow(
      "minute",
      "2026-12-02T10:11:12.345Z",
      undefined,
      "2026-12-02T10:11:00Z",
      "2026-12-02T10:12:00Z",
      60,
    );
    assertWindow(
      "hour",
      "2026-12-02T10:59:59.999Z",
      undefined,
      "2026-12-02T10:00:00Z",
      "2026-12-02T11:00:00Z",
      3600,
    );
    // The end is outside the window: its first instant belongs to the next one.
    assertWindow(
      "minute",
      "2026-12-02T10:12:00.000Z",
      undefined,
      "2026-12-02T10:12:00Z",
      "2026-12-02T10:13:00Z",
      60,
    );
  });

  it("takes UTC calendar days and months when no zone is given", () => {
    assertWindow(
      "day",
      "2026-12-02T23:59:59Z",
      undefined,
      "2026-12-02T00:00:00Z",
      "2026-12-03T00:00:00Z",
      86_400,
    );
    assertWindow(
      "month",
      "2026-02-14T12:00:00Z",
      undefined,
      "2026-02-01T00:00:00Z",
      "2026-03-01T00:00:00Z",
      2_592_000,
    );
    assertWindow(
      "month",
      "2026-12-31T23:59:59.999Z",
      "UTC",
      "2026-12-01T00:00:00Z",
      "2027-01-01T00:00:00Z",
      2_592_000,
    );
  });

  it("takes the calendar day in Asia/Shanghai (UTC+8): it starts at 16:00 UTC the day before", () => {
    assertWindow(
      "day",
      "2026-12-02T03:00:00Z",
      "Asia/Shanghai",
      "2026-12-01T16:00:00Z",
      "2026-12-02T16:00:00Z",
      86_400,
    );
    // 23:59:59.999 on 1 December in Shanghai is still the 1st there.
    assertWindow(
      "day",
      "2026-12-01T15:59:59.999Z",
      "Asia/Shanghai",
      "2026-11-30T16:00:00Z",
      "2026-12-01T16:00:00Z",
      86_400,
    );
  });

  it("crosses a month boundary where the zone does, not where UTC does", () => {
    // 16:30 UTC on 30 November is 00:30 on 1 December in Shanghai.
    const at = "2026-11-30T16:30:00Z";
    assertWindow(
      "month",
      at,
      "Asia/Shanghai",
      "2026-11-30T16:00:00Z",
      "2026-12-31T16:00:00Z",
      2_592_000,
    );
    assertWindow("month", at, undefined, "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", 2_592_000);
    // A leap February in Shanghai: 29 days.
    assertWindow(
      "month",
      "2028-02-29T15:59:59Z",
      "Asia/Shanghai",
      "2028-01-31T16:00:00Z",
      "2028-02-29T16:00:00Z",
      2_592_000,
    );
  });

  it("gives Europe/Berlin's daylight-saving days their 23 and 25 hours", () => {
    // 29 March 2026: clocks go from 02:00 CET (+1) to 03:00 CEST (+2).
    assertWindow(
      "day",
      "2026-03-29T12:00:00Z",
      "Europe/Berlin",
      "2026-03-28T23:00:00Z",
      "2026-03-29T22:00:00Z",
      86_400,
    );
    // 25 October 2026: clocks go back from 03:00 CEST to 02:00 CET.
    assertWindow(
      "day",
      "2026-10-25T12:00:00Z",
      "Europe/Berlin",
      "2026-10-24T22:00:00Z",
      "2026-10-25T23:00:00Z",
      86_400,
    );
    // March in Berlin starts in winter time and ends in summer time.
    assertWindow(
      "month",
      "2026-03-15T12:00:00Z",
      "Europe/Berlin",
      "2026-02-28T23:00:00Z",
      "2026-03-31T22:00:00Z",
      2_592_000,
    );
  });

  it("starts a day whose midnight is skipped (America/Santiago) at the jump", () => {
    // Chile moves from -04 to -03 at 24:00 on the first Saturday of September: 6 September 2026 starts at 01:00 local.
    assertWindow(
      "day",
      "2026-09-06T12:00:00Z",
      "America/Santiago",
      "2026-09-06T04:00:00Z",
      "2026-09-07T03:00:00Z",
      86_400,
    );
  });

  it("refuses a time zone it does not know", () => {
    assert.equal(isTimeZone("Asia/Shanghai"), true);
    assert.equal(isTimeZone("Mars/Olympus"), false);
    assert.throws(() => limitWindow("day", 0, "Mars/Olympus"), /not an IANA time zone/);
  });
});
