import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { AUDIT_ACTIONS } from "../../src/audit/index.js";

describe("the audit action catalogue", () => {
  it("is documented in docs/audit.md, every action with its meaning and nothing else", async () => {
    const doc = await readFile(new URL("../../../../docs/audit.md", import.meta.url), "utf8");
    const documented = new Map(
      [...doc.matchAll(/^\| `([a-z.-]+)` +\| (.+?) +\|$/gm)].map((m) => [m[1], m[2]]),
    );
    assert.deepEqual(new Map(Object.entries(AUDIT_ACTIONS)), documented);
  });
});
