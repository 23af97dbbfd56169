import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  LINEAGE_RULES,
  checkLineage,
  hasNamePrefix,
  parseBaseModels,
  resolveLicence,
  type BaseModelRelation,
  type LineageBase,
} from "../../src/release/licences/index.js";
import type { LicenceFacts } from "../../src/release/policy-input.js";

/** A licence as a card writes it: a `license` value, `other:<name>`, or null for none. */
type CardLicence = string | null;

interface Case {
  readonly name: string;
  readonly bases: readonly {
    readonly licence: CardLicence;
    readonly relation: BaseModelRelation;
  }[];
  readonly child: {
    readonly model: string;
    readonly licence: CardLicence;
    readonly files?: readonly string[];
    readonly readme?: string;
  };
  readonly rules: readonly string[];
}

const WEIGHTS = ["model.safetensors", "config.json"];

/**
 * The tested cases. docs/licences.md ("Tested lineage cases") renders this
 * same table; the last test below fails when the two disagree.
 */
const CASES: readonly Case[] = [
  {
    name: "Apache-2.0 fine-tune of an Apache-2.0 base",
    bases: [{ licence: "apache-2.0", relation: "finetune" }],
    child: { model: "acme/tuned", licence: "apache-2.0" },
    rules: [],
  },
  {
    name: "OpenRAIL-M child of an OpenRAIL-M base",
    bases: [{ licence: "bigscience-openrail-m", relation: "finetune" }],
    child: { model: "acme/tuned", licence: "bigscience-openrail-m" },
    rules: [],
  },
  {
    name: "properly named Llama 3 derivative with NOTICE and attribution",
    bases: [{ licence: "llama3", relation: "finetune" }],
    child: {
      model: "acme/Llama-3-8B-support",
      licence: "llama3",
      files: [...WEIGHTS, "NOTICE"],
      readme: "# Support bot\n\nBuilt with Meta Llama 3.\n",
    },
    rules: [],
  },
  {
    name: "properly named Llama 3.1 adapter with NOTICE.txt and attribution",
    bases: [{ licence: "llama3.1", relation: "adapter" }],
    child: {
      model: "acme/llama-3.1-8b-lora",
      licence: "llama3.1",
      files: ["adapter_model.safetensors", "notice.txt"],
      readme: "Built with Llama",
    },
    rules: [],
  },
  {
    name: "Gemma fine-tune under Gemma terms with NOTICE",
    bases: [{ licence: "gemma", relation: "finetune" }],
    child: { model: "acme/gemma-tuned", licence: "gemma", files: [...WEIGHTS, "NOTICE"] },
    rules: [],
  },
  {
    name: "CC-BY-NC-4.0 fine-tune of a CC-BY-NC-4.0 base",
    bases: [{ licence: "cc-by-nc-4.0", relation: "finetune" }],
    child: { model: "acme/tuned", licence: "cc-by-nc-4.0" },
    rules: [],
  },
  {
    name: "GPL-3.0-only fine-tune of a GPL-3.0-only base",
    bases: [{ licence: "GPL-3.0-only", relation: "finetune" }],
    child: { model: "acme/tuned", licence: "GPL-3.0-only" },
    rules: [],
  },
  {
    name: "Apache-2.0 fine-tune of a CC-BY-NC-4.0 base",
    bases: [{ licence: "cc-by-nc-4.0", relation: "finetune" }],
    child: { model: "acme/tuned", licence: "apache-2.0" },
    rules: ["lineage-noncommercial-base"],
  },
  {
    name: "Apache-2.0 merge of an Apache-2.0 and a CC-BY-NC-4.0 base",
    bases: [
      { licence: "apache-2.0", relation: "merge" },
      { licence: "cc-by-nc-4.0", relation: "merge" },
    ],
    child: { model: "acme/merged", licence: "apache-2.0" },
    rules: ["lineage-noncommercial-base"],
  },
  {
    name: "Apache-2.0 distillation of an OpenRAIL-M base",
    bases: [{ licence: "bigscience-openrail-m", relation: "distillation" }],
    child: { model: "acme/student", licence: "apache-2.0" },
    rules: ["lineage-restrictions-dropped"],
  },
  {
    name: "CreativeML OpenRAIL-M child of an OpenRAIL-M base (drops two restrictions)",
    bases: [{ licence: "openrail", relation: "finetune" }],
    child: { model: "acme/tuned", licence: "creativeml-openrail-m" },
    rules: ["lineage-restrictions-dropped"],
  },
  {
    name: "MIT fine-tune of a BLOOM RAIL base",
    bases: [{ licence: "bigscience-bloom-rail-1.0", relation: "finetune" }],
    child: { model: "acme/bloomz-tuned", licence: "mit" },
    rules: ["lineage-restrictions-dropped"],
  },
  {
    name: "Apache-2.0 quantization of a Gemma base without NOTICE",
    bases: [{ licence: "gemma", relation: "quantized" }],
    child: { model: "acme/gemma-gguf", licence: "apache-2.0" },
    rules: ["lineage-notice-missing", "lineage-restrictions-dropped"],
  },
  {
    name: "Llama 3 derivative misnamed, without NOTICE or attribution",
    bases: [{ licence: "llama3", relation: "finetune" }],
    child: { model: "acme/support-bot", licence: "llama3", readme: "# Support bot\n" },
    rules: ["lineage-attribution-missing", "lineage-name-prefix", "lineage-notice-missing"],
  },
  {
    name: "Llama 3 derivative named Llama-30B",
    bases: [{ licence: "llama3", relation: "finetune" }],
    child: {
      model: "acme/Llama-30B-chat",
      licence: "llama3",
      files: [...WEIGHTS, "NOTICE"],
      readme: "Built with Meta Llama 3",
    },
    rules: ["lineage-name-prefix"],
  },
  {
    name: "Apache-2.0 fine-tune of a CC-BY-ND-4.0 base",
    bases: [{ licence: "cc-by-nd-4.0", relation: "finetune" }],
    child: { model: "acme/tuned", licence: "apache-2.0" },
    rules: ["lineage-derivatives-forbidden"],
  },
  {
    name: "MIT fine-tune of a GPL-3.0-only base",
    bases: [{ licence: "GPL-3.0-only", relation: "finetune" }],
    child: { model: "acme/tuned", licence: "mit" },
    rules: ["lineage-copyleft-mismatch"],
  },
  {
    name: "fine-tune of a base without a licence",
    bases: [{ licence: null, relation: "finetune" }],
    child: { model: "acme/tuned", licence: "apache-2.0" },
    rules: ["lineage-base-licence-unknown"],
  },
  {
    name: "fine-tune of a base under an unreviewed other licence",
    bases: [{ licence: "other:acme-research-licence", relation: "finetune" }],
    child: { model: "acme/tuned", licence: "apache-2.0" },
    rules: ["lineage-base-licence-unreviewed"],
  },
  {
    name: "child without a licence of an Apache-2.0 base",
    bases: [{ licence: "apache-2.0", relation: "finetune" }],
    child: { model: "acme/tuned", licence: null },
    rules: ["lineage-licence-missing"],
  },
];

function facts(licence: CardLicence): LicenceFacts | null {
  if (licence === null) {
    return null;
  }
  const card = licence.startsWith("other:")
    ? { license: "other", license_name: licence.slice("other:".length), license_link: "LICENSE" }
    : { license: licence };
  const result = resolveLicence(card);
  assert.ok(result?.ok === true, `${licence} resolves`);
  return result.licence;
}

function run(c: Case, order: (bases: LineageBase[]) => LineageBase[] = (b) => b) {
  const bases = c.bases.map((b, i) => ({
    model: `lab/base-${i}`,
    version: "v1",
    relation: b.relation,
    licence: facts(b.licence),
  }));
  return checkLineage(
    {
      modelName: c.child.model,
      licence: facts(c.child.licence),
      files: c.child.files ?? WEIGHTS,
      card: {},
      readme: c.child.readme ?? "",
    },
    order(bases),
  );
}

const cell = (text: string): string => text.replace(/\|/g, "\\|");

/** The trimmed cells of a Markdown table row (escaped pipes stay inside a cell). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** One row of the doc's table for a case. */
function row(c: Case): string {
  const bases = c.bases.map((b) => `${b.licence ?? "(none)"} (${b.relation})`).join(", ");
  const extras = [
    ...(c.child.files ?? []).filter((f) => !WEIGHTS.includes(f) && !f.endsWith(".safetensors")),
    ...(c.child.readme?.toLowerCase().includes("built with") === true ? ["attribution"] : []),
  ];
  const child = `\`${c.child.model}\` under ${c.child.licence ?? "(none)"}${extras.length > 0 ? ` + ${extras.join(", ")}` : ""}`;
  const rules = c.rules.length === 0 ? "none" : c.rules.map((r) => `\`${r}\``).join(", ");
  return `| ${cell(c.name)} | ${cell(bases)} | ${cell(child)} | ${rules} |`;
}

describe("lineage check", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const findings = run(c);
      assert.deepEqual(
        [...new Set(findings.map((f) => f.rule))].sort(),
        [...c.rules].sort(),
        JSON.stringify(findings, null, 2),
      );
      for (const f of findings) {
        assert.ok((LINEAGE_RULES as readonly string[]).includes(f.rule), f.rule);
        assert.ok(f.message.length > 20, "the message says what to fix");
      }
    });
  }

  it("gives the same findings whatever the order of the bases", () => {
    for (const c of CASES) {
      assert.deepEqual(
        run(c, (b) => [...b].reverse()),
        run(c),
        c.name,
      );
    }
    const mixed: Case = {
      name: "mixed",
      bases: [
        { licence: "llama3", relation: "merge" },
        { licence: "cc-by-nc-4.0", relation: "merge" },
        { licence: "gemma", relation: "merge" },
        { licence: null, relation: "merge" },
      ],
      child: { model: "acme/x", licence: "apache-2.0" },
      rules: [],
    };
    const expected = run(mixed);
    for (const order of [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [2, 0, 3, 1],
      [1, 3, 0, 2],
    ]) {
      assert.deepEqual(
        run(mixed, (b) => order.map((i) => b[i]).filter((x) => x !== undefined)),
        expected,
      );
    }
  });

  it("names the dropped restrictions and what to fix", () => {
    const [f] = run(CASES.find((c) => c.name.startsWith("CreativeML")) ?? assert.fail("case"));
    assert.match(f?.message ?? "", /drops impersonation, undisclosed-machine-generated;/);
  });

  it("reads the Llama prefix with free separators and case, but not into another number", () => {
    assert.ok(hasNamePrefix("Llama-3-8B-x", "Llama 3"));
    assert.ok(hasNamePrefix("llama3_8b", "Llama 3"));
    assert.ok(hasNamePrefix("Llama-3.1-8B", "Llama 3"));
    assert.ok(!hasNamePrefix("Llama-30B", "Llama 3"));
    assert.ok(!hasNamePrefix("my-Llama-3", "Llama 3"));
    assert.ok(hasNamePrefix("LlamaGuard-tuned", "Llama"));
  });

  it("matches the table of tested cases in docs/licences.md", () => {
    const doc = readFileSync(new URL("../../../../docs/licences.md", import.meta.url), "utf8");
    const section = doc.split("## Tested lineage cases")[1]?.split("\n## ")[0] ?? "";
    // Compared cell by cell, so that the formatter's column padding does not matter.
    const rows = section
      .split("\n")
      .filter((l) => l.startsWith("|"))
      .map(cells)
      .filter((r) => r[0] !== "case" && !r.every((c) => /^-+$/.test(c)));
    const expected = CASES.map(row);
    assert.deepEqual(rows, expected.map(cells), `expected table rows:\n${expected.join("\n")}`);
  });
});

describe("base_model parsing", () => {
  it("reads one base as a fine-tune and several as a merge when no relation is given", () => {
    assert.deepEqual(parseBaseModels({ base_model: "meta-llama/Meta-Llama-3-8B" }), {
      ok: true,
      bases: [{ model: "meta-llama/Meta-Llama-3-8B", version: null, relation: "finetune" }],
    });
    const merged = parseBaseModels({ base_model: ["a/x@v2", "b/y"] });
    assert.deepEqual(merged, {
      ok: true,
      bases: [
        { model: "a/x", version: "v2", relation: "merge" },
        { model: "b/y", version: null, relation: "merge" },
      ],
    });
  });

  it("takes each of the five relations the Hub allows", () => {
    for (const relation of ["finetune", "adapter", "quantized", "merge", "distillation"]) {
      const result = parseBaseModels({ base_model: "a/x", base_model_relation: relation });
      assert.ok(result.ok);
      assert.equal(result.bases[0]?.relation, relation);
    }
  });

  it("refuses an unknown relation and malformed references, naming each", () => {
    const result = parseBaseModels({
      base_model: ["a/x", "no-namespace", 7],
      base_model_relation: "fork",
    });
    assert.ok(!result.ok);
    assert.deepEqual(result.errors, [
      'base_model_relation "fork" is not one of finetune, adapter, quantized, merge, distillation',
      'base_model[1] "no-namespace" is not "namespace/name" or "namespace/name@version"',
      'base_model[2] 7 is not "namespace/name" or "namespace/name@version"',
    ]);
  });

  it("gives no bases for a card without base_model, and refuses a relation without one", () => {
    assert.deepEqual(parseBaseModels({}), { ok: true, bases: [] });
    assert.ok(!parseBaseModels({ base_model_relation: "adapter" }).ok);
    assert.ok(!parseBaseModels({ base_model: { model: "a/x" } }).ok);
  });
});
