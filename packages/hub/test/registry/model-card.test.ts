import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HubError } from "../../src/errors/index.js";
import {
  MAX_CARD_DEPTH,
  MAX_CARD_VALUES,
  MAX_FRONT_MATTER_BYTES,
  cardText,
  parseModelCard,
} from "../../src/registry/index.js";

/** Runs `parse` and checks that it refuses with INVALID_CARD at `line`, for the reason `why`. */
function assertRefused(parse: () => unknown, line: number, why: RegExp): void {
  assert.throws(parse, (err: unknown) => {
    assert.ok(err instanceof HubError, String(err));
    assert.equal(err.code, "INVALID_CARD");
    assert.ok(err.message.startsWith(`README.md line ${line}: `), err.message);
    assert.match(err.message, why);
    assert.deepEqual(err.details, { line });
    return true;
  });
}

const card = (yaml: string): string => `---\n${yaml}---\n# Model\n`;

/** The classic "billion laughs": nine levels of nine aliases each. */
const billionLaughs = card(
  [
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ..."bcdefghi".split("").map(
      (n, i) =>
        `${n}: &${n} [${Array(9)
          .fill(`*${"abcdefghi"[i] ?? ""}`)
          .join(", ")}]`,
    ),
  ].join("\n") + "\n",
);

/** How many lists and mappings are nested along the first item of each. */
function depthOf(value: unknown): number {
  let depth = 0;
  for (let v = value; typeof v === "object" && v !== null; depth += 1) {
    v = Array.isArray(v) ? (v as unknown[])[0] : Object.values(v)[0];
  }
  return depth;
}

describe("parseModelCard", () => {
  describe("good cards", () => {
    it("parses a Hugging Face card with a nested model-index, lists and unicode to the values written", () => {
      const text = card(
        [
          "license: apache-2.0",
          "language:",
          "  - en",
          '  - "no"',
          "  - zh",
          "tags: [text-classification, résumé]",
          "base_model: org/base",
          "pipeline_tag: text-classification",
          "risk_tier: limited",
          "intended_uses: Classifying support tickets — in English, Norwegian and 中文",
          "model-index:",
          "  - name: ticket-classifier",
          "    results:",
          "      - task:",
          "          type: text-classification",
          "          name: Text Classification",
          "        dataset:",
          "          name: Tickets",
          "          type: org/tickets",
          "          config: default",
          "          split: test",
          "          args:",
          "            language: en",
          "        metrics:",
          "          - type: accuracy",
          "            value: 0.912",
          "            name: Accuracy",
          "          - {type: f1, value: 88, verified: false}",
          "extra_gated_fields:",
          "  Company: text",
          "  Country: country",
          "  I agree to the terms: checkbox",
          "widget:",
          '  - text: "Mon imprimante ne marche plus \\u2639"',
          "emoji: 🤗",
          "",
        ].join("\n"),
      );
      assert.deepEqual(parseModelCard(text), {
        license: "apache-2.0",
        language: ["en", "no", "zh"],
        tags: ["text-classification", "résumé"],
        base_model: "org/base",
        pipeline_tag: "text-classification",
        risk_tier: "limited",
        intended_uses: "Classifying support tickets — in English, Norwegian and 中文",
        "model-index": [
          {
            name: "ticket-classifier",
            results: [
              {
                task: { type: "text-classification", name: "Text Classification" },
                dataset: {
                  name: "Tickets",
                  type: "org/tickets",
                  config: "default",
                  split: "test",
                  args: { language: "en" },
                },
                metrics: [
                  { type: "accuracy", value: 0.912, name: "Accuracy" },
                  { type: "f1", value: 88, verified: false },
                ],
              },
            ],
          },
        ],
        extra_gated_fields: {
          Company: "text",
          Country: "country",
          "I agree to the terms": "checkbox",
        },
        widget: [{ text: "Mon imprimante ne marche plus ☹" }],
        emoji: "🤗",
      });
    });

    it("reads a card with a byte-order mark and CRLF line ends as the same card with LF", () => {
      const lf = card("license: mit\ntags:\n  - a\n  - b\nnote: |\n  two\n  lines\n");
      const crlf = `\uFEFF${lf.replace(/\n/g, "\r\n")}`;
      assert.deepEqual(parseModelCard(crlf), parseModelCard(lf));
      assert.deepEqual(parseModelCard(lf), {
        license: "mit",
        tags: ["a", "b"],
        note: "two\nlines\n",
      });
    });

    it("keeps tabs inside values, quoted keys that look like numbers, and escapes JSON can hold", () => {
      const parsed = parseModelCard(
        card(
          'a: x\ty\n"1": one\n"null": nothing\n"": empty\nb: "nul \\0 and \\ud800"\n<<: merge-looking\n',
        ),
      );
      assert.deepEqual(parsed, {
        a: "x\ty",
        "1": "one",
        null: "nothing",
        "": "empty",
        b: "nul \0 and \ud800",
        "<<": "merge-looking",
      });
      assert.deepEqual(JSON.parse(JSON.stringify(parsed)), parsed);
    });

    it("gives no data for a README without front matter, or with an empty one", () => {
      assert.deepEqual(parseModelCard("# Model\n\nNo front matter.\n"), {});
      assert.deepEqual(parseModelCard("---\n---\n# Model\n"), {});
      assert.deepEqual(parseModelCard("---\n# only a comment\n---\n"), {});
    });

    it(`accepts nesting of exactly ${MAX_CARD_DEPTH} levels, in flow and in block style`, () => {
      const inner = MAX_CARD_DEPTH - 1;
      const flow = parseModelCard(card(`a: ${"[".repeat(inner)}${"]".repeat(inner)}\n`));
      const block = parseModelCard(card(`a:\n${"- ".repeat(inner)}x\n`));
      assert.equal(depthOf(flow), MAX_CARD_DEPTH);
      assert.equal(depthOf(block), MAX_CARD_DEPTH);
    });

    it(`accepts exactly ${MAX_CARD_VALUES} keys, values and list items`, () => {
      // The key 'a', the list and its items.
      const items = MAX_CARD_VALUES - 2;
      const parsed = parseModelCard(card(`a: [${Array(items).fill("0").join(",")}]\n`));
      assert.equal((parsed.a as unknown[]).length, items);
    });

    it("accepts front matter of exactly the size bound, with a larger Markdown body after it", () => {
      const yaml = `a: ${"x".repeat(MAX_FRONT_MATTER_BYTES - 4)}\n`;
      assert.equal(Buffer.byteLength(yaml), MAX_FRONT_MATTER_BYTES);
      const parsed = parseModelCard(`---\n${yaml}---\n${"Body text. ".repeat(50_000)}`);
      assert.equal((parsed.a as string).length, MAX_FRONT_MATTER_BYTES - 4);
    });
  });

  describe("refusals", () => {
    for (const [what, text, line, why] of [
      [
        "the key __proto__",
        card("license: mit\n__proto__: x\n"),
        3,
        /the key '__proto__' is a built-in name of JavaScript objects.*rename it/,
      ],
      [
        "the key hasOwnProperty",
        card("hasOwnProperty: x\n"),
        2,
        /the key 'hasOwnProperty' is a built-in name/,
      ],
      ["the key valueOf", card("valueOf: 1\n"), 2, /the key 'valueOf' is a built-in name/],
      [
        "the key constructor",
        card("constructor: x\n"),
        2,
        /the key 'constructor' is a built-in name/,
      ],
      ["the key toString", card("toString: x\n"), 2, /the key 'toString' is a built-in name/],
      [
        "a __proto__ key deep inside model-index",
        card("model-index:\n  - name: m\n    results:\n      - __proto__: {polluted: true}\n"),
        5,
        /the key '__proto__' is a built-in name/,
      ],
      [
        "an anchor",
        card("a: &x hi\n"),
        2,
        /YAML anchors and aliases are not accepted in a model card \('&x' here\); write the value out in full/,
      ],
      [
        "an alias bomb of 100 references",
        card(`x: &x hi\ny: [${Array(100).fill("*x").join(", ")}]\n`),
        2,
        /YAML anchors and aliases are not accepted/,
      ],
      [
        "a self-referencing list",
        card("a: &a [*a]\n"),
        2,
        /anchors and aliases are not accepted in a model card \('&a' here\)/,
      ],
      ["the billion laughs", billionLaughs, 2, /anchors and aliases are not accepted/],
      [
        "an alias with no anchor",
        card("a: 1\nb: *a\n"),
        3,
        /anchors and aliases are not accepted in a model card \('\*a' here\)/,
      ],
      [
        "a 100,000-level flow nesting",
        card(`a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`),
        2,
        new RegExp(`nested more than ${MAX_CARD_DEPTH} levels deep; .*flatten it`),
      ],
      [
        "a 100,000-level block list",
        card(`license: mit\na:\n${"- ".repeat(100_000)}x\n`),
        4,
        /nested more than 64 levels deep/,
      ],
      [
        "100,000 nested explicit keys",
        card(`${"? ".repeat(100_000)}x\n`),
        2,
        /nested more than 64 levels deep/,
      ],
      [
        "one level too many",
        card(`a: ${"[".repeat(MAX_CARD_DEPTH)}${"]".repeat(MAX_CARD_DEPTH)}\n`),
        2,
        /nested more than 64 levels deep/,
      ],
      [
        "a key that is a list",
        card("license: mit\n? [a, b]\n: 1\n"),
        3,
        /a key is a list; keys must be plain names/,
      ],
      [
        "a key that is a mapping",
        card("{a: 1}: 2\n"),
        2,
        /a key is a mapping; keys must be plain names/,
      ],
      [
        "a number key",
        card("1: x\n"),
        2,
        /the key '1' is read as a number, not a name; write it in quotes \("1"\)/,
      ],
      [
        "a null key",
        card("null: y\n"),
        2,
        /the key 'null' is read as null, not a name; write it in quotes \("null"\)/,
      ],
      ["a boolean key", card("a:\n  true: y\n"), 3, /the key 'true' is read as a boolean/],
      ["an empty key", card(": y\n"), 2, /a key is empty; give every field a name/],
      [
        "front matter that is a list",
        card("- a\n- b\n"),
        2,
        /the front matter must be a mapping of fields \(key: value\), not a list or a single value/,
      ],
      ["front matter that is a single value", card("\nhello\n"), 3, /must be a mapping of fields/],
      [
        "a repeated key in a nested mapping",
        card("a:\n  b: 1\n  c: 2\n  b: 3\n"),
        5,
        /the key 'b' is repeated; keys must be unique in a mapping/,
      ],
      [
        "a repeated key spelt with quotes",
        card("license: mit\n'license': apache-2.0\n"),
        3,
        /the key 'license' is repeated/,
      ],
      [
        "a tab used as indentation",
        card("a:\n\tb: 1\n"),
        3,
        /invalid YAML: Tabs are not allowed as indentation/,
      ],
      [
        "an infinite number",
        card("a: [1, .inf]\n"),
        2,
        /the value '\.inf' is not a finite number, which a stored card cannot hold; write it in quotes/,
      ],
      ["a number out of range", card("a: 1e400\n"), 2, /the value '1e400' is not a finite number/],
      ["not-a-number", card("b: .nan\n"), 2, /the value '\.nan' is not a finite number/],
      [
        "an integer too large to store exactly",
        card("seed: 12345678901234567890\n"),
        2,
        /the number '12345678901234567890' is too large to store exactly; write it in quotes/,
      ],
      [
        "a binary tag",
        card("a: !!binary aGVsbG8=\n"),
        2,
        /YAML tags are not accepted in a model card \('!!binary' here\)/,
      ],
      [
        "a set tag",
        card("a: 1\nb: !!set {x, y}\n"),
        3,
        /YAML tags are not accepted in a model card \('!!set' here\)/,
      ],
      [
        "a local tag",
        card("a: !thing x\n"),
        2,
        /YAML tags are not accepted in a model card \('!thing' here\)/,
      ],
      [
        "a %YAML directive",
        card("%YAML 1.1\n"),
        2,
        /YAML directives are not accepted in a model card \('%YAML 1\.1' here\); remove the line/,
      ],
      [
        "a second document after '...'",
        card("a: 1\n...\nb: 2\n"),
        4,
        /a second YAML document starts here; remove the '\.\.\.' line before it/,
      ],
      [
        "an implicit key over 1024 characters",
        card(`${"k".repeat(2000)}: 1\n`),
        2,
        /invalid YAML: The : indicator must be at most 1024 chars/,
      ],
      [
        "a line '---- x', pointing at it rather than calling the front matter unclosed",
        card("a: 1\n---- x\n"),
        3,
        /invalid YAML/,
      ],
      [
        "an unclosed list, after CRLF lines",
        "---\r\nlicense: mit\r\ntags: [a, b\r\nfoo: 1\r\n---\r\n",
        4,
        /invalid YAML/,
      ],
      [
        "one value over the bound, in a dense flow list",
        card(
          `a: [${Array(MAX_CARD_VALUES - 1)
            .fill("0")
            .join(",")}]\n`,
        ),
        2,
        new RegExp(
          `the front matter holds more than ${MAX_CARD_VALUES} keys, values and list items; .*move bulk data into a file beside it`,
        ),
      ],
      [
        "a block list of empty items over the bound, naming the line where it is crossed",
        card(`a:\n${"-\n".repeat(MAX_CARD_VALUES)}`),
        MAX_CARD_VALUES + 2,
        /more than 65536 keys, values and list items/,
      ],
      [
        "front matter one byte over the bound",
        card(`a: ${"x".repeat(MAX_FRONT_MATTER_BYTES - 3)}\n`),
        1,
        new RegExp(
          `front matter starting here is ${MAX_FRONT_MATTER_BYTES + 1} bytes; at most ${MAX_FRONT_MATTER_BYTES} are allowed`,
        ),
      ],
    ] as const) {
      it(`refuses ${what}, naming line ${line}`, () => {
        assertRefused(() => parseModelCard(text), line, why);
      });
    }

    it("shows a long key shortened, and a key with a line break escaped on one line", () => {
      const long = "k".repeat(100);
      assertRefused(
        () => parseModelCard(card(`a: 1\n${long}: 1\n${long}: 2\n`)),
        4,
        new RegExp(`the key '${"k".repeat(60)}…' is repeated`),
      );
      assertRefused(
        () => parseModelCard(card('"one\\ntwo": 1\n"one\\ntwo": 2\n')),
        3,
        /the key "one\\ntwo" is repeated/,
      );
    });
  });
});

describe("cardText", () => {
  it("decodes UTF-8, keeping what parseModelCard reads", () => {
    const text = "\uFEFF---\r\nname: modèle 模型 🤗\r\n---\r\n";
    assert.deepEqual(parseModelCard(cardText(Buffer.from(text, "utf8"))), {
      name: "modèle 模型 🤗",
    });
  });

  it("refuses bytes that are not UTF-8, naming their line, rather than storing replaced text", () => {
    const bytes = Buffer.concat([
      Buffer.from("---\nname: ok\nlatin1: caf", "utf8"),
      Buffer.from([0xe9]),
      Buffer.from("\n---\n", "utf8"),
    ]);
    assertRefused(
      () => cardText(bytes),
      3,
      /this line is not valid UTF-8; save README\.md as UTF-8 text/,
    );
  });
});
