import type { Clock } from "../../src/clock/index.js";

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start = "2026-03-01T12:00:00.000Z") {
    this.ms = Date.parse(start);
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
