import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lintCard, requiredSections } from "../../src/release/card-lint.js";

describe("lintCard", () => {
  it("passes a minimal card with uses as a heading and limitations as a field", () => {
    assert.deepEqual(
      lintCard(
        "---\nlimitations: English only\n---\n# Tiny\n\n## Intended uses\nClassifying reviews.\n",
        "minimal",
      ),
      [],
    );
  });

  it("accepts the Hugging Face template's headings, with subsections holding the text", () => {
    const text = [
      "# Model",
      "## Uses",
      "### Direct Use",
      "Chat.",
      "### Out-of-Scope Use",
      "Medical advice.",
      "## Bias, Risks, and Limitations",
      "Hallucinates.",
      "## Training Details",
      "### Training Data",
      "Web text.",
      "## Evaluation",
      "MMLU 70.",
      "## Model Card Contact",
      "safety@example.org",
    ].join("\n");
    assert.deepEqual(lintCard(text, "high"), []);
  });

  it("reports a missing section at the end of the front matter", () => {
    assert.deepEqual(lintCard("---\nlicense: mit\n---\n## Limitations\nMany.\n", "minimal"), [
      {
        rule: "missing-section",
        message:
          'a minimal-risk card needs a "Intended uses" section (a heading or the `intended_uses` field)',
        line: 3,
      },
    ]);
  });

  it("reports a missing section at line 1 of a card without front matter", () => {
    const findings = lintCard("## Uses\nChat.\n", "minimal");
    assert.deepEqual(
      findings.map((f) => [f.rule, f.line]),
      [["missing-section", 1]],
    );
  });

  it("reports an empty heading at its line: only a comment or a placeholder under it", () => {
    const text =
      "---\nlicense: mit\n---\n## Uses\n<!-- what is it for -->\n\n## Limitations\n[More Information Needed]\n## Other\nText.\n";
    assert.deepEqual(lintCard(text, "minimal"), [
      {
        rule: "empty-section",
        message: 'the section "Intended uses" has a heading but no text',
        line: 4,
      },
      {
        rule: "empty-section",
        message: 'the section "Limitations" has a heading but no text',
        line: 7,
      },
    ]);
  });

  it("reports an empty field at its line", () => {
    const findings = lintCard(
      "---\nlicense: mit\nintended_uses: []\n---\n## Limitations\nSome.\n",
      "minimal",
    );
    assert.deepEqual(
      findings.map((f) => [f.rule, f.line]),
      [["empty-section", 3]],
    );
  });

  it("ignores headings inside fenced code", () => {
    const findings = lintCard("## Limitations\nSome.\n```\n## Uses\nx\n```\n", "minimal");
    assert.deepEqual(
      findings.map((f) => f.rule),
      ["missing-section"],
    );
  });

  it("asks more of higher tiers", () => {
    assert.deepEqual(
      requiredSections("minimal").map((s) => s.id),
      ["intended-uses", "limitations"],
    );
    assert.equal(requiredSections("systemic").length, 9);
    const findings = lintCard("## Uses\nChat.\n## Limitations\nSome.\n", "systemic");
    assert.equal(findings.length, 7);
  });

  it("reports front matter that is not valid YAML at its line", () => {
    const findings = lintCard(
      "---\nlicense: mit\nbad: [x\n---\n## Uses\nChat.\n## Limitations\nSome.\n",
      "minimal",
    );
    assert.equal(findings[0]?.rule, "front-matter");
  });
});
