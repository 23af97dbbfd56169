import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  canonicalIpv6,
  cardBrand,
  isDateOfBirthColumn,
  isIban,
  isPaymentCard,
  isPrcId,
  isUsSsn,
  luhnValid,
  parseDate,
  prcIdCheckChar,
} from "../../src/privacy/index.js";

describe("checksums and ranges of the PII scanner", () => {
  it("accepts the Luhn example of ISO/IEC 7812 and the networks' published test card numbers", () => {
    // 79927398713: the worked example of the Luhn algorithm (Wikipedia, "Luhn algorithm").
    assert.equal(luhnValid("79927398713"), true);
    assert.equal(luhnValid("79927398710"), false);
    // Test numbers published by Stripe and PayPal for their sandboxes.
    const published: [string, string][] = [
      ["4111111111111111", "visa"],
      ["4012888888881881", "visa"],
      ["5555555555554444", "mastercard"],
      ["2223003122003222", "mastercard"],
      ["378282246310005", "amex"],
      ["6011111111111117", "discover"],
      ["3530111333300000", "jcb"],
    ];
    for (const [number, brand] of published) {
      assert.equal(isPaymentCard(number), true, number);
      assert.equal(cardBrand(number), brand, number);
    }
  });

  it("refuses card numbers with a wrong check digit, an unknown IIN or a length the network does not issue", () => {
    assert.equal(isPaymentCard("4111111111111112"), false);
    // Passes Luhn but no network issues numbers starting with 9.
    assert.equal(luhnValid("9111111111111110"), true);
    assert.equal(isPaymentCard("9111111111111110"), false);
    // Amex numbers have 15 digits, never 16.
    assert.equal(isPaymentCard("3782822463100005"), false);
  });

  it("validates the IBAN examples of the SWIFT IBAN registry and refuses altered ones", () => {
    const registry = [
      "GB82WEST12345698765432",
      "DE89370400440532013000",
      "FR1420041010050500013M02606",
      "NL91ABNA0417164300",
      "CH9300762011623852957",
      "BE68539007547034",
      "NO9386011117947",
    ];
    for (const iban of registry) {
      assert.equal(isIban(iban), true, iban);
    }
    assert.equal(isIban("GB83WEST12345698765432"), false, "check digits changed");
    assert.equal(isIban("DE89370400440532013001"), false, "account digit changed");
    assert.equal(isIban("DE8937040044053201300"), false, "one character short of DE's 22");
    assert.equal(isIban("XX89370400440532013000"), false, "no such country");
  });

  it("checks PRC identity numbers with the GB 11643 MOD 11-2 check character and a real birth date", () => {
    // 11010519491231002X is the example of GB 11643-1999; 440524188001010014 is its
    // other widely quoted example (check character 4).
    assert.equal(isPrcId("11010519491231002X"), true);
    assert.equal(isPrcId("11010519491231002x"), true);
    assert.equal(prcIdCheckChar("44052418800101001"), "4");
    assert.equal(isPrcId("110105194912310021"), false, "wrong check character");
    // Born in 1880: the check character is right but the date is not plausible.
    assert.equal(isPrcId("440524188001010014"), false);
    assert.equal(isPrcId("990105194912310029"), false, "99 is no province");
  });

  it("excludes the SSA's never-issued SSN ranges", () => {
    assert.equal(isUsSsn("078", "05", "1120"), true);
    assert.equal(isUsSsn("000", "12", "3456"), false);
    assert.equal(isUsSsn("666", "12", "3456"), false);
    assert.equal(isUsSsn("900", "12", "3456"), false);
    assert.equal(isUsSsn("999", "12", "3456"), false);
    assert.equal(isUsSsn("123", "00", "4567"), false);
    assert.equal(isUsSsn("123", "45", "0000"), false);
  });

  it("writes IPv6 addresses canonically (RFC 5952 section 4)", () => {
    assert.equal(
      canonicalIpv6("2001:0db8:0000:0000:0000:ff00:0042:8329"),
      "2001:db8::ff00:42:8329",
    );
    assert.equal(canonicalIpv6("2001:DB8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
    assert.equal(canonicalIpv6("::1"), "::1");
  });

  it("reads dates of birth in the usual formats and refuses impossible ones", () => {
    const today = new Date("2026-01-01T00:00:00Z");
    assert.deepEqual(parseDate("1985-03-12", today), { year: 1985, month: 3, day: 12 });
    assert.deepEqual(parseDate("12.03.1985", today), { year: 1985, month: 3, day: 12 });
    assert.deepEqual(parseDate("03/12/1985", today), { year: 1985, month: 3, day: 12 });
    assert.deepEqual(parseDate("25/12/1985", today), { year: 1985, month: 12, day: 25 });
    assert.deepEqual(parseDate("12 March 1985", today), { year: 1985, month: 3, day: 12 });
    assert.deepEqual(parseDate("Mar 12, 1985", today), { year: 1985, month: 3, day: 12 });
    assert.equal(parseDate("1985-02-30", today), undefined);
    assert.equal(parseDate("2030-01-01", today), undefined, "in the future");
    assert.equal(parseDate("1850-01-01", today), undefined, "before 1900");
    assert.equal(parseDate("yesterday", today), undefined);
  });

  it("recognises date-of-birth columns by name in several languages", () => {
    for (const name of [
      "dob",
      "DOB",
      "date_of_birth",
      "Birth Date",
      "birthdate",
      "patient_dob",
      "Geburtsdatum",
      "fecha_de_nacimiento",
    ]) {
      assert.equal(isDateOfBirthColumn(name), true, name);
    }
    for (const name of ["date", "created_at", "birthplace", "doubt"]) {
      assert.equal(isDateOfBirthColumn(name), false, name);
    }
  });
});
