import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BoundedMap } from "../../src/store/index.js";

describe("BoundedMap", () => {
  it("drops the oldest entry to make room, and never holds more than its limit", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2).set("c", 3);
    assert.deepEqual(
      [...map],
      [
        ["b", 2],
        ["c", 3],
      ],
    );
  });

  it("replaces a key it holds without dropping another", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2).set("a", 10);
    assert.deepEqual(
      new Map(map),
      new Map([
        ["a", 10],
        ["b", 2],
      ]),
    );
  });
});
