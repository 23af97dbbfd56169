import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { WEBHOOK_EVENTS } from "../../src/events/index.js";

describe("the webhook event catalogue", () => {
  it("is documented in docs/webhooks.md, every event with its meaning and an example body, and nothing else", async () => {
    const doc = await readFile(new URL("../../../../docs/webhooks.md", import.meta.url), "utf8");
    const documented = new Map(
      [...doc.matchAll(/^\| `([a-z._]+)` +\| (.+?) +\|$/gm)].map((m) => [m[1], m[2]]),
    );
    assert.deepEqual(new Map(Object.entries(WEBHOOK_EVENTS)), documented);
    const examples = [...doc.matchAll(/```json\n(\{\n {2}"type"[\s\S]*?)\n```/g)].map(
      (m) => (JSON.parse(m[1] ?? "") as { type: string }).type,
    );
    for (const type of Object.keys(WEBHOOK_EVENTS)) {
      const example = type.startsWith("access.") ? "access.granted" : type;
      assert.ok(examples.includes(example), `docs/webhooks.md shows a body of ${type}`);
    }
  });
});
