import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HubError } from "../../src/errors/index.js";
import { UseRestrictions } from "../../src/openai/use-restrictions.js";
import { parseModelCard, useChecksOf } from "../../src/registry/index.js";

/** The restrictions of a card holding `checks`, on a hub without a moderation endpoint. */
function restrictionsOf(checks: unknown[]): UseRestrictions {
  const restrictions = UseRestrictions.of("acme/lm@v1", { use_checks: checks }, null);
  assert.ok(restrictions !== null);
  return restrictions;
}

/** The restriction a call refuses under, or null when it passes. */
function refusedUnder(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (err) {
    assert.ok(err instanceof HubError && err.code === "CONTENT_POLICY", String(err));
    return String(err.details?.restriction);
  }
}

/** Feeds `pieces` to one output's guard; answers what went out and the restriction that stopped it. */
function stream(restrictions: UseRestrictions, pieces: string[]) {
  const guard = restrictions.guard();
  let sent = "";
  const stopped = refusedUnder(() => {
    for (const piece of pieces) {
      sent += guard.add(piece);
    }
    sent += guard.end();
  });
  return { sent, stopped };
}

describe("use checks of a card", () => {
  it("read none from a card without use_checks", () => {
    assert.deepEqual(useChecksOf({ license: "mit" }), []);
    assert.equal(UseRestrictions.of("acme/lm@v1", {}, null), null);
  });

  it("refuse unusable checks with the check and the fix named, and the line in README.md", () => {
    const cases: [string, string][] = [
      ["use_checks: harpoon", "'use_checks' must be a list"],
      [
        "use_checks:\n  - words: [whale]",
        "use_checks: check 1: restriction must name the use restriction it enforces, in kebab-case (such as harmful-pii)",
      ],
      [
        "use_checks:\n  - restriction: Violence\n    words: [whale]",
        "use_checks: check 1: restriction must name the use restriction it enforces, in kebab-case (such as harmful-pii)",
      ],
      [
        "use_checks:\n  - restriction: violence",
        "use_checks: check 1 (violence) refuses nothing; give it patterns, words or moderation categories",
      ],
      [
        "use_checks:\n  - restriction: violence\n    word: [whale]",
        'use_checks: check 1: unknown key "word"; use restriction, on, patterns, words, moderation',
      ],
      [
        "use_checks:\n  - restriction: violence\n    on: input\n    words: [whale]",
        'use_checks: check 1 (violence): on has "input"; use prompt, output or both',
      ],
      [
        "use_checks:\n  - restriction: violence\n    words: whale",
        "use_checks: check 1 (violence): words must be a list of non-empty strings",
      ],
      [
        "use_checks:\n  - restriction: spam\n    patterns: ['[a-']",
        'use_checks: check 1 (spam): pattern "[a-" is not a regular expression: Invalid regular expression: /[a-/iu: Unterminated character class',
      ],
      [
        "use_checks:\n  - restriction: spam\n    patterns: ['(x+x+)+y']",
        'use_checks: check 1 (spam): pattern "(x+x+)+y" nests repetitions (such as (a+)+), which can take exponential time; rewrite it without a repeated group that itself repeats',
      ],
    ];
    for (const [yaml, message] of cases) {
      assert.throws(
        () => parseModelCard(`---\nlicense: mit\n${yaml}\n---\n# Model\n`),
        (err: unknown) =>
          err instanceof HubError &&
          err.code === "INVALID_CARD" &&
          err.message.startsWith("README.md line 3: ") &&
          err.message.includes(message),
        yaml,
      );
    }
  });

  it("match words whole and in any case, phrases across any spacing, and patterns as written", () => {
    const r = restrictionsOf([
      { restriction: "violence", words: ["harpoon", "kill the whale"] },
      { restriction: "harmful-pii", on: ["prompt"], patterns: ["\\b\\d{3}-\\d{2}-\\d{4}\\b"] },
    ]);
    const output = (text: string) =>
      refusedUnder(() => {
        r.checkText(text);
      });
    assert.equal(output("He raised the HARPOON."), "violence");
    assert.equal(output("Kill  the\nwhale"), "violence");
    assert.equal(output("harpoons and harpooneers"), null);
    assert.equal(output("Queequeg's harpoon_line"), null);
    assert.equal(output("ÉHarpoon"), null);
    // The pattern reads prompts only.
    assert.equal(output("123-45-6789"), null);
  });

  it("hold a streamed word back until it ends, and never send a forbidden one", () => {
    const r = restrictionsOf([{ restriction: "violence", on: "output", words: ["harp"] }]);
    // "harp" begins "harpoon": the guard waits for the word's end before it judges.
    assert.deepEqual(stream(r, ["The ", "har", "poon ", "flew"]), {
      sent: "The harpoon flew",
      stopped: null,
    });
    assert.deepEqual(stream(r, ["The ", "ha", "rp", " sang"]), {
      sent: "The ",
      stopped: "violence",
    });
    // A forbidden word at the very end is judged when the output ends.
    assert.deepEqual(stream(r, ["a ", "harp"]), { sent: "a ", stopped: "violence" });
  });
});
