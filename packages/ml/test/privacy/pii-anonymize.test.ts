import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import {
  PiiError,
  anonymizeCsv,
  anonymizeTable,
  anonymizeText,
  createPseudonymizer,
  generalizeNumber,
  generalizePostcode,
} from "../../src/privacy/index.js";

const KEY = "correct horse battery staple";
const TEXT =
  "Ann (ann.lee@example.org, +86 138 1234 5678) paid with 4111 1111 1111 1111 from 203.0.113.42 / 2001:db8:85a3::8a2e:370:7334; DOB: 1985-03-12.";

describe("anonymising text", () => {
  it("redacts each finding with its type", () => {
    assert.equal(
      anonymizeText(TEXT, { strategy: "redact" }).text,
      "Ann ([EMAIL], [PHONE]) paid with [PAYMENT_CARD] from [IPV4] / [IPV6]; DOB: [DATE_OF_BIRTH].",
    );
  });

  it("masks, keeping the last four digits of numbers, the domain of addresses and the year of dates", () => {
    assert.equal(
      anonymizeText(TEXT, { strategy: "mask" }).text,
      "Ann (a******@example.org, +** *** **** 5678) paid with **** **** **** 1111 from 203.0.113.* / 2001:db8:85a3:*:*:*:*:*; DOB: 1985-**-**.",
    );
  });

  it("generalises dates to the year or decade and addresses to their /24 and /48 networks", () => {
    const out = anonymizeText(TEXT, { strategy: "generalize" }).text;
    assert.equal(
      out,
      "Ann ([EMAIL]@example.org, +86 [PHONE]) paid with [CARD visa] from 203.0.113.0/24 / 2001:db8:85a3::/48; DOB: 1985.",
    );
    assert.match(
      anonymizeText("DOB: 1985-03-12", { strategy: "generalize", dates: "decade" }).text,
      /DOB: 1980s/,
    );
  });

  it("pseudonymises with HMAC-SHA256 under the key, equal to Python's hmac module", () => {
    // python3 -c "import hmac,hashlib; print(hmac.new(b'correct horse battery staple',
    //   b'email\x00ann.lee@example.org', hashlib.sha256).hexdigest()[:8])"  -> 5b31a9b6
    //   and b'phone\x008613812345678' -> 13db5869
    const out = anonymizeText(TEXT, { strategy: "pseudonymize", key: KEY }).text;
    assert.match(
      out,
      /^Ann \(EMAIL_5b31a9b6, PHONE_13db5869\) paid with PAYMENT_CARD_[0-9a-f]{8} /,
    );
  });

  it("gives one value one token however it is written, and other keys other tokens", () => {
    const token = createPseudonymizer(KEY);
    assert.equal(token("email", "Ann.Lee@Example.org"), token("email", "ann.lee@example.org"));
    assert.equal(token("phone", "138-1234-5678"), token("phone", "+86 138 1234 5678"));
    assert.equal(
      token("payment_card", "4111-1111-1111-1111"),
      token("payment_card", "4111111111111111"),
    );
    assert.equal(token("ipv6", "2001:DB8:0:0:0:0:0:1"), token("ipv6", "2001:db8::1"));
    assert.notEqual(token("email", "ann.lee@example.org"), token("email", "bo.chen@example.org"));
    assert.notEqual(
      createPseudonymizer("another key of enough length")("email", "ann.lee@example.org"),
      token("email", "ann.lee@example.org"),
    );
  });

  it("refuses pseudonymisation without a key or with a short one", () => {
    assert.throws(() => anonymizeText(TEXT, { strategy: "pseudonymize" }), PiiError);
    assert.throws(
      () => anonymizeText(TEXT, { strategy: "pseudonymize", key: "short" }),
      /key has 5 bytes; give at least 16/,
    );
  });
});

describe("anonymising tables", () => {
  it("applies column rules (ranges, postcode prefixes) and the strategy to detected values", () => {
    const { table, report } = anonymizeTable(
      {
        columns: ["name", "age", "postcode", "dob", "email"],
        rows: [
          ["Ann", "37", "SW1A 1AA", "12/03/1985", "ann@example.org"],
          ["Bo", "52", "EC1V 9HX", "1971-07-30", "none"],
        ],
      },
      {
        strategy: "redact",
        columns: { age: { kind: "range", width: 10 }, postcode: { kind: "prefix", keep: 3 } },
      },
    );
    assert.deepEqual(table.rows, [
      ["Ann", "30-39", "SW1* ***", "[DATE_OF_BIRTH]", "[EMAIL]"],
      ["Bo", "50-59", "EC1* ***", "[DATE_OF_BIRTH]", "none"],
    ]);
    assert.equal(report.counts.date_of_birth, 2);
    assert.equal(report.counts.email, 1);
    assert.equal(report.generalizedCells, 4);
  });

  it("streams a CSV through, with tokens equal to those of the same values in text", async () => {
    const csv = 'id,contact,age\n1,ann.lee@example.org,37\n2,"call +86 138 1234 5678",41\n';
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const report = await anonymizeCsv(Readable.from([csv]), out, {
      strategy: "pseudonymize",
      key: KEY,
      columns: { age: { kind: "range", width: 5 } },
    });
    const rows = parse(Buffer.concat(chunks).toString("utf8"));
    assert.deepEqual(rows, [
      ["id", "contact", "age"],
      ["1", "EMAIL_5b31a9b6", "35-39"],
      ["2", "call PHONE_13db5869", "40-44"],
    ]);
    assert.equal(report.rows, 2);
    assert.equal(report.counts.email, 1);
  });

  it("names a rule's column that is not in the table, and a cell that is not a number", async () => {
    assert.throws(
      () =>
        anonymizeTable(
          { columns: ["a", "b"], rows: [["1", "2"]] },
          { strategy: "redact", columns: { zip: { kind: "prefix", keep: 2 } } },
        ),
      /column "zip" is not in the table; its columns are a, b/,
    );
    await assert.rejects(
      anonymizeCsv(Readable.from(["age\n31\nabc\n"]), new PassThrough().resume(), {
        strategy: "redact",
        columns: { age: { kind: "range", width: 10 } },
      }),
      /row 2, column "age": "abc" is not a number/,
    );
  });

  it("puts numbers into ranges and cuts postcodes to a prefix", () => {
    assert.equal(generalizeNumber(37, 10), "30-39");
    assert.equal(generalizeNumber(-3, 5), "[-5, -1]");
    assert.equal(generalizeNumber(2.5, 0.5), "[2.5, 3)");
    assert.equal(generalizePostcode("10115", 2), "10***");
    assert.throws(() => generalizeNumber(3, 0), /range width must be a positive number/);
  });
});
