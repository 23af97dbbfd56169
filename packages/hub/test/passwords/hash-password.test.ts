import assert from "node:assert/strict";
import { scryptSync } from "node:crypto";
import { describe, it } from "node:test";
import {
  SCRYPT_PARAMS,
  generatePassword,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from "../../src/passwords/index.js";

const FORMAT = /^scrypt\$N=131072,r=8,p=1\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

describe("password hashes", () => {
  it("are scrypt with N=2^17, r=8, p=1, a 16-byte salt and a 32-byte key, named in the string", async () => {
    assert.deepEqual({ ...SCRYPT_PARAMS }, { N: 131_072, r: 8, p: 1 });
    const stored = await hashPassword("correct horse battery staple");
    const match = FORMAT.exec(stored);
    assert.ok(match !== null, stored);
    assert.equal(Buffer.from(match[1] ?? "", "base64").length, 16);
    assert.equal(Buffer.from(match[2] ?? "", "base64").length, 32);
  });

  it("verify the password they were made from and nothing else", async () => {
    const stored = await hashPassword("correct horse battery staple");
    assert.equal(await verifyPassword("correct horse battery staple", stored), true);
    assert.equal(await verifyPassword("correct horse battery stapler", stored), false);
    assert.equal(await verifyPassword("", stored), false);
  });

  it("differ for the same password, by their salt", async () => {
    const [a, b] = await Promise.all([
      hashPassword("same password!"),
      hashPassword("same password!"),
    ]);
    assert.notEqual(a, b);
  });

  it("keep verifying with the parameters they were made with after the hub's change", async () => {
    // A hash from a hub with cheaper parameters, made here with Node's scrypt directly.
    const salt = Buffer.from("0123456789abcdef");
    const key = scryptSync("older password", salt, 32, { N: 16_384, r: 8, p: 1 });
    const stored = `scrypt$N=16384,r=8,p=1$${salt.toString("base64")}$${key.toString("base64")}`;
    assert.equal(await verifyPassword("older password", stored), true);
    assert.equal(await verifyPassword("other password", stored), false);
  });

  it("match a password composed differently in Unicode (NFC)", async () => {
    const composed = "caf\u00e9 au lait, s'il vous pla\u00eet";
    const decomposed = composed.normalize("NFD");
    assert.notEqual(composed, decomposed);
    assert.equal(await verifyPassword(decomposed, await hashPassword(composed)), true);
  });

  it("refuse, after the same work, a missing hash or one that does not parse or asks too much", async () => {
    const salt = Buffer.alloc(16).toString("base64");
    const key = Buffer.alloc(32).toString("base64");
    for (const stored of [
      null,
      "",
      "plain text",
      `bcrypt$N=16384,r=8,p=1$${salt}$${key}`,
      `scrypt$N=1000,r=8,p=1$${salt}$${key}`,
      `scrypt$N=${2 ** 24},r=8,p=1$${salt}$${key}`,
      `scrypt$N=16384,r=64,p=1$${salt}$${key}`,
      `scrypt$N=16384,r=8,p=1$$${key}`,
    ]) {
      assert.equal(await verifyPassword("whatever it is", stored), false, String(stored));
    }
  });

  it("for a first administrator are 24 random base64url characters", () => {
    const a = generatePassword();
    assert.match(a, /^[A-Za-z0-9_-]{24}$/);
    assert.notEqual(a, generatePassword());
    assert.equal(passwordProblem(a), null);
  });
});

describe("password rules", () => {
  it("want 12 to 1024 characters, counted as code points after NFC", () => {
    assert.equal(passwordProblem("x".repeat(12)), null);
    assert.equal(passwordProblem("x".repeat(1024)), null);
    assert.equal(passwordProblem("\u{1F512}".repeat(12)), null);
    assert.equal(
      passwordProblem("hunter2"),
      "is 7 characters long; use at least 12 (a few unrelated words make a long password that is easy to remember)",
    );
    assert.equal(passwordProblem("x".repeat(1025)), "is 1025 characters long; use at most 1024");
    assert.equal(passwordProblem(" ".repeat(12)), "is only spaces; use letters, digits or words");
  });
});
