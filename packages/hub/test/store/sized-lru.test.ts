import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SizedLru } from "../../src/store/index.js";

const texts = (maxEntries: number, maxSize: number) =>
  new SizedLru<string, string>({ maxEntries, maxSize }, (s) => s.length);

const held = (lru: SizedLru<string, string>, keys: readonly string[]) =>
  keys.filter((k) => lru.get(k) !== undefined);

describe("SizedLru", () => {
  it("drops the least recently used entry past its entry limit", () => {
    const lru = texts(2, 100);
    lru.set("a", "1");
    lru.set("b", "2");
    assert.equal(lru.get("a"), "1");
    lru.set("c", "3");
    assert.deepEqual(held(lru, ["a", "b", "c"]), ["a", "c"]);
  });

  it("drops the least recently used entries until the values fit its size limit", () => {
    const lru = texts(10, 10);
    lru.set("a", "aaaa");
    lru.set("b", "bbbb");
    lru.set("c", "cccccc");
    assert.deepEqual(held(lru, ["a", "b", "c"]), ["b", "c"]);
  });

  it("keeps no value larger than its whole size limit, and drops nothing for it", () => {
    const lru = texts(10, 10);
    lru.set("a", "aaaa");
    lru.set("huge", "x".repeat(11));
    assert.deepEqual(held(lru, ["a", "huge"]), ["a"]);
  });

  it("counts a replaced value's size once", () => {
    const lru = texts(10, 10);
    lru.set("a", "aaaaaaaa");
    lru.set("a", "aaaaaaaa");
    lru.set("b", "bb");
    assert.deepEqual(held(lru, ["a", "b"]), ["a", "b"]);
  });
});
