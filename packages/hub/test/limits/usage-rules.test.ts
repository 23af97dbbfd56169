import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { functionRefusal, hoursRefusal, localTime } from "../../src/limits/usage-rules.js";

// Instants whose local times were read off a calendar: 2026-12-02 is a
// Wednesday, 2026-12-04 a Friday, 2026-12-05 a Saturday; Shanghai is UTC+8 all
// year; Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on Sunday 2026-03-29.
const at = (iso: string) => new Date(iso);
const WORKDAYS = {
  days: ["mon", "tue", "wed", "thu", "fri"] as ("mon" | "tue" | "wed" | "thu" | "fri")[],
  from: "08:00",
  to: "20:00",
  timeZone: "Asia/Shanghai",
};

describe("usage rules: time windows", () => {
  it("reads the weekday and time on another zone's wall clock, across a change to summer time", () => {
    assert.deepEqual(localTime(at("2026-12-02T01:30:00Z"), "Asia/Shanghai"), {
      day: "wed",
      minute: 9 * 60 + 30,
    });
    assert.deepEqual(localTime(at("2026-12-01T23:59:00Z"), "Asia/Shanghai"), {
      day: "wed",
      minute: 7 * 60 + 59,
    });
    assert.deepEqual(localTime(at("2026-03-29T00:30:00Z"), "Europe/Berlin"), {
      day: "sun",
      minute: 60 + 30,
    });
    assert.deepEqual(localTime(at("2026-03-29T01:30:00Z"), "Europe/Berlin"), {
      day: "sun",
      minute: 3 * 60 + 30,
    });
  });

  it("allows weekdays 08:00 to 20:00 in Shanghai and refuses before, after and at the weekend, saying when", () => {
    assert.equal(hoursRefusal(WORKDAYS, at("2026-12-02T01:30:00Z")), null);
    assert.equal(hoursRefusal(WORKDAYS, at("2026-12-02T00:00:00Z")), null, "08:00 is inside");
    assert.equal(
      hoursRefusal(WORKDAYS, at("2026-12-01T23:59:00Z")),
      "calls are allowed mon, tue, wed, thu, fri from 08:00 to 20:00 Asia/Shanghai, and it is wed 07:59 there",
    );
    assert.equal(
      hoursRefusal(WORKDAYS, at("2026-12-02T12:00:00Z")),
      "calls are allowed mon, tue, wed, thu, fri from 08:00 to 20:00 Asia/Shanghai, and it is wed 20:00 there",
      "20:00 is outside",
    );
    assert.match(
      hoursRefusal(WORKDAYS, at("2026-12-05T02:00:00Z")) ?? "",
      /it is sat 10:00 there$/,
    );
  });

  it("runs a window whose end is before its start past midnight into the next day", () => {
    const nights = { days: ["fri" as const], from: "22:00", to: "06:00", timeZone: "UTC" };
    assert.equal(hoursRefusal(nights, at("2026-12-04T23:00:00Z")), null, "Friday 23:00");
    assert.equal(
      hoursRefusal(nights, at("2026-12-05T03:00:00Z")),
      null,
      "the Saturday morning after",
    );
    assert.notEqual(hoursRefusal(nights, at("2026-12-04T03:00:00Z")), null, "Friday morning");
    assert.notEqual(hoursRefusal(nights, at("2026-12-05T23:00:00Z")), null, "Saturday night");
    const everyNight = { from: "22:00", to: "06:00", timeZone: "UTC" };
    assert.equal(hoursRefusal(everyNight, at("2026-12-02T05:59:00Z")), null);
    assert.match(
      hoursRefusal(everyNight, at("2026-12-02T06:00:00Z")) ?? "",
      /every day from 22:00/,
    );
  });
});

describe("usage rules: functions", () => {
  const infer = {
    protocol: "oip" as const,
    endpoint: "infer" as const,
    rows: 4,
    binaryTensors: false,
  };

  it("allows what a rule lists and names the rule that refuses the rest", () => {
    assert.equal(functionRefusal({ endpoints: ["infer", "metadata"] }, infer), null);
    assert.equal(
      functionRefusal({ endpoints: ["metadata"] }, infer),
      "only the endpoints metadata may be called, not infer",
    );
    assert.equal(functionRefusal({ maxBatch: 4 }, infer), null);
    assert.equal(
      functionRefusal({ maxBatch: 3 }, infer),
      "a call may carry at most 3 rows, and this one carries 4",
    );
    assert.equal(functionRefusal({ binaryTensors: false }, infer), null);
    assert.equal(
      functionRefusal({ binaryTensors: false }, { ...infer, binaryTensors: true }),
      "the binary tensor extension may not be used; send the tensors as JSON",
    );
    assert.equal(functionRefusal({ protocols: ["oip"] }, infer), null);
  });
});
