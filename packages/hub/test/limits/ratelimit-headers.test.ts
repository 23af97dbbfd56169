import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isPolicyName,
  rateLimitHeaders,
  sfString,
  type WindowState,
} from "../../src/limits/index.js";

type Item = { name: string; params: Record<string, string | number> };

/**
 * A small parser of Structured Field Lists of Strings with Integer, String and
 * Byte Sequence parameters (RFC 9651 §4.2), enough to compare our fields with
 * the draft's examples item by item whatever the spacing.
 */
function parseList(field: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  const skipSpaces = (): void => {
    while (field[i] === " ") {
      i += 1;
    }
  };
  const parseString = (): string => {
    assert.equal(field[i], '"', `a string at ${i} of ${field}`);
    i += 1;
    let out = "";
    while (field[i] !== '"') {
      if (field[i] === "\\") {
        i += 1;
      }
      const ch = field[i];
      assert.ok(ch !== undefined, `an unterminated string in ${field}`);
      out += ch;
      i += 1;
    }
    i += 1;
    return out;
  };
  while (i < field.length) {
    skipSpaces();
    const item: Item = { name: parseString(), params: {} };
    while (field[i] === ";") {
      i += 1;
      const key = /^[a-z*][a-z0-9_.*-]*/.exec(field.slice(i))?.[0] ?? "";
      assert.ok(key !== "", `a parameter key at ${i} of ${field}`);
      i += key.length + 1;
      if (field[i] === '"') {
        item.params[key] = parseString();
      } else if (field[i] === ":") {
        const end = field.indexOf(":", i + 1);
        item.params[key] = field.slice(i, end + 1);
        i = end + 1;
      } else {
        const digits = /^\d{1,15}/.exec(field.slice(i))?.[0] ?? "";
        assert.ok(digits !== "", `an integer at ${i} of ${field}`);
        item.params[key] = Number(digits);
        i += digits.length;
      }
    }
    items.push(item);
    skipSpaces();
    if (i < field.length) {
      assert.equal(field[i], ",", `a comma at ${i} of ${field}`);
      i += 1;
    }
  }
  return items;
}

const state = (
  name: string,
  quota: number,
  windowSeconds: number,
  remaining: number,
  resetSeconds: number,
): WindowState => ({ name, quota, windowSeconds, remaining, resetSeconds });

describe("RateLimit headers (draft-ietf-httpapi-ratelimit-headers-11)", () => {
  it("writes the draft's RateLimit-Policy examples", () => {
    // §3: RateLimit-Policy: "burst";q=100;w=60,"daily";q=1000;w=86400
    const h = rateLimitHeaders([
      state("burst", 100, 60, 40, 12),
      state("daily", 1000, 86400, 940, 5000),
    ]);
    assert.deepEqual(
      parseList(h["RateLimit-Policy"] ?? ""),
      parseList('"burst";q=100;w=60,"daily";q=1000;w=86400'),
    );
    // §3.2: RateLimit-Policy: "permin";q=50;w=60,"perhr";q=1000;w=3600
    const two = rateLimitHeaders([state("permin", 50, 60, 1, 1), state("perhr", 1000, 3600, 1, 1)]);
    assert.equal(two["RateLimit-Policy"], '"permin";q=50;w=60, "perhr";q=1000;w=3600');
    assert.deepEqual(
      parseList(two["RateLimit-Policy"] ?? ""),
      parseList('"permin";q=50;w=60,"perhr";q=1000;w=3600'),
    );
    // §3.2: RateLimit-Policy: "default";q=100;w=10
    assert.equal(
      rateLimitHeaders([state("default", 100, 10, 50, 5)])["RateLimit-Policy"],
      '"default";q=100;w=10',
    );
  });

  it("writes the draft's RateLimit examples", () => {
    // §4.2: RateLimit: "default";r=50;t=30
    const h = rateLimitHeaders([state("default", 100, 60, 50, 30)]);
    assert.equal(h.RateLimit, '"default";r=50;t=30');
    // §6: RateLimit: "problemPolicy";r=0;t=10
    assert.equal(
      rateLimitHeaders([state("problemPolicy", 10, 60, 0, 10)]).RateLimit,
      '"problemPolicy";r=0;t=10',
    );
    assert.equal(h["Retry-After"], undefined, "no Retry-After on an admitted call");
  });

  it("on a refusal adds Retry-After and lists the violated windows first", () => {
    const h = rateLimitHeaders(
      [state("token-per-second", 10, 1, 3, 1), state("token-per-hour", 1000, 3600, 0, 1800)],
      { violated: ["token-per-hour"], retryAfterSeconds: 1800 },
    );
    assert.equal(
      h["RateLimit-Policy"],
      '"token-per-second";q=10;w=1, "token-per-hour";q=1000;w=3600',
    );
    assert.equal(h.RateLimit, '"token-per-hour";r=0;t=1800, "token-per-second";r=3;t=1');
    assert.equal(h["Retry-After"], "1800");
    // A refusal by a concurrency limit alone: no windows, still a Retry-After.
    assert.deepEqual(rateLimitHeaders([], { violated: ["in-flight"], retryAfterSeconds: 1 }), {
      "Retry-After": "1",
    });
  });

  it("keeps names valid sf-strings and integers within 15 digits", () => {
    assert.equal(sfString('a "quoted" \\ name'), '"a \\"quoted\\" \\\\ name"');
    assert.equal(sfString("每日"), '"__"');
    assert.equal(isPolicyName("token-per-second"), true);
    assert.equal(isPolicyName('say "hi"'), false);
    assert.equal(isPolicyName("每日"), false);
    const h = rateLimitHeaders([state('odd "name"', 1e20, 86400, -3, 2.5)]);
    assert.deepEqual(parseList(h["RateLimit-Policy"] ?? ""), [
      { name: 'odd "name"', params: { q: 999_999_999_999_999, w: 86400 } },
    ]);
    assert.deepEqual(parseList(h.RateLimit ?? ""), [
      { name: 'odd "name"', params: { r: 0, t: 2 } },
    ]);
    assert.deepEqual(rateLimitHeaders([]), {});
  });
});
