import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { describe, it } from "node:test";
import {
  PiiError,
  anonymizeTextStream,
  scanCsv,
  scanTable,
  scanText,
  scanTextStream,
  type PiiType,
} from "../../src/privacy/index.js";

const found = (text: string): [PiiType, string][] => scanText(text).map((f) => [f.type, f.match]);

describe("scanText on hand-written text", () => {
  it("finds each kind of personal data in realistic messages, with exact offsets", () => {
    const cases: [string, [PiiType, string][]][] = [
      [
        "Hi Jo, my new address is j.okafor+billing@mail.example.co.uk (old one bounced).",
        [["email", "j.okafor+billing@mail.example.co.uk"]],
      ],
      [
        "You can reach our London office on +44 (0)20 7946 0958 or text me at 139-1234-5678.",
        [
          ["phone", "+44 (0)20 7946 0958"],
          ["phone", "139-1234-5678"],
        ],
      ],
      ["请联系王先生，电话+8615912345678，谢谢", [["phone", "+8615912345678"]]],
      [
        "Customer paid with 5555-5555-5555-4444, refund to Amex 3782 822463 10005 instead.",
        [
          ["payment_card", "5555-5555-5555-4444"],
          ["payment_card", "3782 822463 10005"],
        ],
      ],
      [
        "Bitte überweisen Sie den Betrag auf DE89 3704 0044 0532 0130 00, Verwendungszweck 4711.",
        [["iban", "DE89 3704 0044 0532 0130 00"]],
      ],
      ["身份证号：11010519491231002X，已核验。", [["prc_id", "11010519491231002X"]]],
      [
        "Failed login for admin from 203.0.113.42 and from 2001:db8:85a3::8a2e:370:7334, then from ::ffff:198.51.100.7.",
        [
          ["ipv4", "203.0.113.42"],
          ["ipv6", "2001:db8:85a3::8a2e:370:7334"],
          ["ipv6", "::ffff:198.51.100.7"],
        ],
      ],
      ["Employee SSN: 078-05-1120 (do not share).", [["us_ssn", "078-05-1120"]]],
      ["Patient (DOB: 14/02/1962) was admitted.", [["date_of_birth", "14/02/1962"]]],
    ];
    for (const [text, expected] of cases) {
      assert.deepEqual(found(text), expected, text);
      for (const f of scanText(text)) {
        assert.equal(text.slice(f.start, f.end), f.match);
      }
    }
  });

  it("counts offsets in UTF-16 code units, so text with emoji and CJK slices back exactly", () => {
    const text = "😀😀 名字 ann@example.org";
    const findings = scanText(text);
    assert.deepEqual(
      findings.map((f) => [f.start, text.slice(f.start, f.end)]),
      [[8, "ann@example.org"]],
    );
  });

  it("reports nothing for look-alikes that fail their checks, or for ordinary numbers", () => {
    const negatives = [
      "Card 4111 1111 1111 1112 was declined.",
      "Transfer to DE88 3704 0044 0532 0130 00 failed.",
      "ID 110105194912310021 did not verify.",
      "Case ref 666-12-3456, 900-45-6789, 123-00-4567 and 123-45-0000.",
      "Ping 256.1.1.1 timed out; 10.0.0 is not an address either.",
      "Order ORD-2024-000123 shipped at 2024-03-12T10:15:30Z (10:15:30 local).",
      "Invoice INV/2024/00017 totals $12,345.67; build v2.14.3 deployed.",
      "The meeting is on 12/03/2024 in room 4.12.",
      "Unix time 1710238530 and 1710238530123 ms.",
      "Tracking number 9400 1000 0000 0000 0000 00.",
      "std::vector is C++, not an address; the MAC is 00:1A:2B:3C:4D:5E.",
    ];
    for (const text of negatives) {
      assert.deepEqual(found(text), [], text);
    }
  });

  it("keeps only the more specific type when candidates overlap", () => {
    // The digits of a Chinese mobile inside an e-mail address belong to the address.
    assert.deepEqual(found("mail 13812345678@qq.com"), [["email", "13812345678@qq.com"]]);
    // An 18-digit ID with a wrong check digit is not read as a card number instead.
    assert.deepEqual(found("id 650102198202303997 logged"), []);
  });

  it("scans only the types asked for and refuses unknown ones", () => {
    assert.deepEqual(
      scanText("a@b.example 203.0.113.1", { types: ["ipv4"] }).map((f) => f.type),
      ["ipv4"],
    );
    assert.throws(
      () => scanText("x", { types: ["passport" as PiiType] }),
      (err: unknown) => err instanceof PiiError && /unknown PII type "passport"/.test(err.message),
    );
  });
});

describe("scanning tables", () => {
  const table = {
    columns: ["name", "date_of_birth", "signup_date", "contact"],
    rows: [
      ["Ann Lee", "1985-03-12", "2024-01-05", "ann@example.org"],
      ["Bo Chen", "not given", "2024-01-06", "+86 139 1234 5678"],
    ],
  };

  it("reports dates in a date-of-birth column, not in other date columns, with row and column", () => {
    const findings = scanTable(table).map((f) => [f.row, f.column, f.type, f.match]);
    assert.deepEqual(findings, [
      [1, "date_of_birth", "date_of_birth", "1985-03-12"],
      [1, "contact", "email", "ann@example.org"],
      [2, "contact", "phone", "+86 139 1234 5678"],
    ]);
  });

  it("streams a CSV file and counts findings per type", async () => {
    const csv =
      'id,DOB,note\n1,12.03.1985,"card 4111 1111 1111 1111, ip 192.0.2.1"\n2,,"IBAN GB82 WEST 1234 5698 7654 32"\n';
    const result = await scanCsv(Readable.from([csv]));
    assert.equal(result.rows, 2);
    assert.deepEqual(result.columns, ["id", "DOB", "note"]);
    assert.equal(result.counts.date_of_birth, 1);
    assert.equal(result.counts.payment_card, 1);
    assert.equal(result.counts.ipv4, 1);
    assert.equal(result.counts.iban, 1);
    assert.equal(result.counts.email, 0);
    const card = result.findings.find((f) => f.type === "payment_card");
    assert.deepEqual([card?.row, card?.column, card?.start, card?.end], [1, "note", 5, 24]);
  });

  it("names the file and row of a ragged or empty CSV", async () => {
    await assert.rejects(
      scanCsv(Readable.from(["a,b\n1,2\n3\n"]), { name: "people.csv" }),
      /people\.csv: row 2 has 1 fields but the header has 2 \(a, b\)/,
    );
    await assert.rejects(
      scanCsv(Readable.from([""]), { name: "empty.csv" }),
      /empty\.csv is empty/,
    );
  });
});

describe("text streams", () => {
  const text = "first line\r\n名前: ann@example.org\n\nlast: 203.0.113.9";
  // Cut the bytes inside the e-mail address and inside a multi-byte character.
  const bytes = Buffer.from(text, "utf8");
  const cut = [bytes.subarray(0, 13), bytes.subarray(13, 22), bytes.subarray(22)];

  it("reports line and column however the bytes arrive", async () => {
    const result = await scanTextStream(cut);
    assert.equal(result.lines, 4);
    assert.deepEqual(
      result.findings.map((f) => [f.type, f.line, f.column, text.slice(f.start, f.end)]),
      [
        ["email", 2, 5, "ann@example.org"],
        ["ipv4", 4, 7, "203.0.113.9"],
      ],
    );
  });

  it("copies everything but the replaced values", async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const counts = await anonymizeTextStream(cut, out, { strategy: "redact" });
    assert.equal(
      Buffer.concat(chunks).toString("utf8"),
      "first line\r\n名前: [EMAIL]\n\nlast: [IPV4]",
    );
    assert.equal(counts.email, 1);
    assert.equal(counts.ipv4, 1);
  });
});
