import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { Finding, RiskTier } from "./policy-input.js";
import { riskTierRank } from "./risk-tier.js";

/** A section a model card can be asked for, and the ways it may be written. */
export interface CardSection {
  readonly id: string;
  readonly title: string;
  /** The lowest tier that requires it. */
  readonly from: RiskTier;
  /** Heading texts that hold it, normalised (lower case, words only). */
  readonly headings: readonly string[];
  /** A Gatehouse front-matter field that holds it instead of a heading. */
  readonly field: string | null;
}

/**
 * The sections a card needs, by tier; each tier needs its own and those of
 * the tiers below it. Titles follow the Hugging Face model card template
 * (`huggingface_hub` `modelcard_template.md`), whose "Bias, Risks, and
 * Limitations" heading holds both limitations and risks.
 */
export const CARD_SECTIONS: readonly CardSection[] = [
  {
    id: "intended-uses",
    title: "Intended uses",
    from: "minimal",
    headings: [
      "intended uses",
      "intended use",
      "uses",
      "direct use",
      "intended uses and limitations",
    ],
    field: "intended_uses",
  },
  {
    id: "limitations",
    title: "Limitations",
    from: "minimal",
    headings: [
      "limitations",
      "bias risks and limitations",
      "risks and limitations",
      "limitations and bias",
      "intended uses and limitations",
    ],
    field: "limitations",
  },
  {
    id: "out-of-scope-uses",
    title: "Out-of-scope uses",
    from: "limited",
    headings: [
      "out of scope use",
      "out of scope uses",
      "prohibited uses",
      "misuse and out of scope use",
    ],
    field: "prohibited_uses",
  },
  {
    id: "training-data",
    title: "Training data",
    from: "limited",
    headings: ["training data", "training details"],
    field: null,
  },
  {
    id: "evaluation",
    title: "Evaluation",
    from: "limited",
    headings: ["evaluation", "evaluation results", "results"],
    field: null,
  },
  {
    id: "risks",
    title: "Bias, risks and limitations",
    from: "high",
    headings: [
      "bias risks and limitations",
      "risks",
      "bias and risks",
      "ethical considerations",
      "risks and limitations",
    ],
    field: null,
  },
  {
    id: "contact",
    title: "Model card contact",
    from: "high",
    headings: ["model card contact", "contact"],
    field: null,
  },
  {
    id: "environmental-impact",
    title: "Environmental impact",
    from: "systemic",
    headings: ["environmental impact"],
    field: null,
  },
  {
    id: "technical-specifications",
    title: "Technical specifications",
    from: "systemic",
    headings: [
      "technical specifications",
      "model architecture and objective",
      "model architecture",
    ],
    field: null,
  },
];

/** The sections a card of this tier must have. */
export function requiredSections(tier: RiskTier): CardSection[] {
  return CARD_SECTIONS.filter((s) => riskTierRank(s.from) <= riskTierRank(tier));
}

interface Heading {
  readonly text: string;
  readonly line: number;
  readonly empty: boolean;
}

/** "## Bias, Risks, and Limitations [optional]" → "bias risks and limitations". */
function normalise(heading: string): string {
  return heading
    .replace(/\[optional\]/gi, "")
    .replace(/[#*_`]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Text that says nothing: blank lines, HTML comments, the HF template's placeholder. */
function isFiller(line: string): boolean {
  const t = line.trim();
  return t === "" || /^\[more information needed\]$/i.test(t);
}

/** ATX headings of a Markdown body, outside fenced code, each with whether its section holds any text. */
function headingsOf(lines: readonly string[], firstLine: number): Heading[] {
  const found: { text: string; level: number; index: number }[] = [];
  const content: boolean[] = [];
  let fence: string | null = null;
  let comment = false;
  for (const [i, raw] of lines.entries()) {
    let line = raw;
    const fenceMark = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      content[i] = true;
      if (
        fenceMark !== undefined &&
        fenceMark[0] === fence[0] &&
        fenceMark.length >= fence.length
      ) {
        fence = null;
      }
      continue;
    }
    if (fenceMark !== undefined) {
      fence = fenceMark;
      content[i] = true;
      continue;
    }
    // Strip HTML comments, which may span lines (the HF template's guidance).
    let kept = "";
    while (line.length > 0) {
      if (comment) {
        const end = line.indexOf("-->");
        if (end === -1) {
          line = "";
        } else {
          comment = false;
          line = line.slice(end + 3);
        }
      } else {
        const start = line.indexOf("<!--");
        if (start === -1) {
          kept += line;
          line = "";
        } else {
          kept += line.slice(0, start);
          comment = true;
          line = line.slice(start + 4);
        }
      }
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(kept);
    if (heading !== null) {
      found.push({ text: heading[2] ?? "", level: (heading[1] ?? "#").length, index: i });
      content[i] = false;
    } else {
      content[i] = !isFiller(kept);
    }
  }
  return found.map((h, n) => {
    // A section runs to the next heading of its level or higher; text under its subsections counts.
    const next = found.slice(n + 1).find((o) => o.level <= h.level);
    const end = next === undefined ? lines.length : next.index;
    const empty = !content.slice(h.index + 1, end).some((c) => c);
    return { text: normalise(h.text), line: firstLine + h.index, empty };
  });
}

function isEmptyValue(node: Node | null): boolean {
  if (node === null) {
    return true;
  }
  if (isScalar(node)) {
    return node.value === null || (typeof node.value === "string" && node.value.trim() === "");
  }
  if (isSeq(node) || isMap(node)) {
    return node.items.length === 0;
  }
  return false;
}

/**
 * Checks that a model card (README.md: YAML front matter, then Markdown) has
 * every section its risk tier requires (CARD_SECTIONS), as a Markdown heading
 * with text under it or as a Gatehouse front-matter field. Findings carry the
 * README.md line they concern: the empty heading or field, or for a missing
 * section the front matter's closing `---` (line 1 without front matter).
 *
 * @example lintCard("---\nlimitations: none\n---\n## Uses\nChat.\n", "minimal") // []
 */
export function lintCard(text: string, tier: RiskTier): Finding[] {
  const lines = text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n/g, "\n")
    .split("\n");
  const findings: Finding[] = [];
  let bodyStart = 0;
  let missingLine = 1;
  const fields = new Map<string, { empty: boolean; line: number }>();
  if (lines[0] !== undefined && /^---[ \t]*$/.test(lines[0])) {
    const close = lines.findIndex((l, i) => i > 0 && /^---[ \t]*$/.test(l));
    if (close === -1) {
      return [
        {
          rule: "front-matter",
          message: "the YAML front matter starting here has no closing '---' line",
          line: 1,
        },
      ];
    }
    bodyStart = close + 1;
    missingLine = close + 1;
    const counter = new LineCounter();
    const doc = parseDocument(lines.slice(1, close).join("\n"), { lineCounter: counter });
    const error = doc.errors[0];
    if (error !== undefined) {
      findings.push({
        rule: "front-matter",
        message: `the front matter is not valid YAML: ${error.message.split("\n")[0] ?? ""}`,
        line: counter.linePos(error.pos[0]).line + 1,
      });
    } else if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        if (isScalar(pair.key) && typeof pair.key.value === "string") {
          const at = pair.key.range[0];
          fields.set(pair.key.value, {
            empty: isEmptyValue(pair.value),
            line: counter.linePos(at).line + 1,
          });
        }
      }
    }
  }
  const headings = headingsOf(lines.slice(bodyStart), bodyStart + 1);
  for (const section of requiredSections(tier)) {
    const field = section.field === null ? undefined : fields.get(section.field);
    const matching = headings.filter((h) => section.headings.includes(h.text));
    if ((field !== undefined && !field.empty) || matching.some((h) => !h.empty)) {
      continue;
    }
    if (field !== undefined) {
      findings.push({
        rule: "empty-section",
        message: `\`${section.field ?? ""}\` is empty; say what the card's ${section.title.toLowerCase()} are`,
        line: field.line,
      });
    } else if (matching[0] !== undefined) {
      findings.push({
        rule: "empty-section",
        message: `the section "${section.title}" has a heading but no text`,
        line: matching[0].line,
      });
    } else {
      const where =
        section.field === null ? "a heading" : `a heading or the \`${section.field}\` field`;
      findings.push({
        rule: "missing-section",
        message: `a ${tier}-risk card needs a "${section.title}" section (${where})`,
        line: missingLine,
      });
    }
  }
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
