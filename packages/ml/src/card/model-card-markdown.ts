import { checkModelCardInfo } from "./check-model-card-info.js";
import type {
  CardDataset,
  CardPrivacy,
  CardResult,
  CardTraining,
  CardUsage,
  ModelCardInfo,
} from "./model-card-info.js";
import { toYaml, type YamlValue } from "./to-yaml.js";

/** Names (of datasets, metrics, features) are text, not Markdown: escape what Markdown would act on. */
function inline(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/[\\`*_[\]<>|&#~]/g, "\\$&");
}

/** Table cells hold Markdown prose given by the caller; only `|` and line breaks would break the row. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

function modelIndex(info: ModelCardInfo): YamlValue {
  const splits = [...new Set(info.results.map((r) => r.split))];
  // One result per split: the model-index names one dataset split per result entry.
  const results = splits.map((split) => ({
    task: { type: info.pipelineTag, name: info.taskName },
    dataset: { name: info.dataset.name, type: info.dataset.id, split },
    metrics: info.results
      .filter((r) => r.split === split)
      .map((r) => ({ type: r.type, value: r.value, name: r.name ?? r.type })),
  }));
  return [{ name: info.modelName, results }];
}

function frontMatter(info: ModelCardInfo): string {
  const nonEmpty = <T>(list: readonly T[] | undefined): readonly T[] | undefined =>
    list !== undefined && list.length > 0 ? list : undefined;
  const hasResults = info.results.length > 0;
  return toYaml({
    license: info.license,
    library_name: info.libraryName ?? "onnx",
    chat_template: info.chatTemplate,
    base_model: info.baseModel?.id,
    base_model_relation: info.baseModel?.relation,
    pipeline_tag: info.pipelineTag,
    tags: nonEmpty(info.tags),
    datasets: [info.dataset.id],
    metrics: hasResults ? [...new Set(info.results.map((r) => r.type))] : undefined,
    intended_uses: nonEmpty(info.intendedUses),
    limitations: nonEmpty(info.limitations),
    "model-index": hasResults ? modelIndex(info) : undefined,
  });
}

function bullets(items: readonly string[]): string {
  return items.map((item) => `- ${item}`).join("\n");
}

function usesSection(info: ModelCardInfo): string | undefined {
  const uses = info.intendedUses ?? [];
  const limits = info.limitations ?? [];
  if (uses.length === 0 && limits.length === 0) {
    return undefined;
  }
  const parts = ["## Intended uses & limitations"];
  if (uses.length > 0) {
    parts.push("### Intended uses", bullets(uses));
  }
  if (limits.length > 0) {
    parts.push("### Limitations", bullets(limits));
  }
  return parts.join("\n\n");
}

function dataSection(dataset: CardDataset): string {
  const lines = [
    `- **Dataset:** ${inline(dataset.name)} (id \`${dataset.id.replace(/`/g, "'")}\`)`,
    `- **Rows:** ${dataset.rows}`,
  ];
  if (dataset.features !== undefined && dataset.features.length > 0) {
    const names = dataset.features.map(inline).join(", ");
    lines.push(`- **Features (${dataset.features.length}):** ${names}`);
  }
  if (dataset.target !== undefined) {
    lines.push(`- **Target:** ${inline(dataset.target)}`);
  }
  const split = dataset.split;
  if (split !== undefined) {
    const parts = [`train ${split.train}`];
    if (split.validation !== undefined) {
      parts.push(`validation ${split.validation}`);
    }
    if (split.test !== undefined) {
      parts.push(`test ${split.test}`);
    }
    const how = split.stratified === true ? ", stratified by class" : "";
    lines.push(`- **Split:** ${parts.join(", ")} of the rows (seed ${split.seed}${how})`);
  }
  const out = ["## Training data", lines.join("\n")];
  if (dataset.preprocessing !== undefined && dataset.preprocessing.length > 0) {
    out.push(
      "Preprocessing, in order:",
      dataset.preprocessing.map((step, i) => `${i + 1}. ${step}`).join("\n"),
    );
  }
  return out.join("\n\n");
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function trainingSection(training: CardTraining): string {
  let epochs = String(training.epochsRun);
  if (training.maxEpochs !== undefined) {
    epochs += ` of at most ${training.maxEpochs}`;
  }
  const stop = training.earlyStopping;
  if (stop !== undefined) {
    epochs += ` (early stopping on ${stop.monitor}, patience ${stop.patience}`;
    epochs += stop.bestEpoch === undefined ? ")" : `; weights of epoch ${stop.bestEpoch} kept)`;
  }
  const rows: string[][] = [
    ["Architecture", training.architecture],
    ["Optimiser", training.optimizer],
    ["Learning rate", String(training.learningRate)],
  ];
  if (training.loss !== undefined) {
    rows.push(["Loss", training.loss]);
  }
  rows.push(
    ["Epochs run", epochs],
    ["Batch size", String(training.batchSize)],
    ["Seed", String(training.seed)],
  );
  return [
    "## Training procedure",
    table(
      ["Setting", "Value"],
      rows.map((r) => r.map(cell)),
    ),
  ].join("\n\n");
}

/** Four decimals for reading; the front matter keeps the exact value. */
function rounded(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

function resultsSection(results: readonly CardResult[]): string | undefined {
  if (results.length === 0) {
    return undefined;
  }
  const rows = results.map((r) => [inline(r.name ?? r.type), rounded(r.value), inline(r.split)]);
  return [
    "## Evaluation results",
    table(["Metric", "Value", "Split"], rows),
    "Values are rounded to 4 decimals here; the `model-index` above has them in full.",
  ].join("\n\n");
}

const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PYTHON_KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

function usageSection(usage: CardUsage, features: readonly string[] | undefined): string {
  // JSON string literals are valid Python string literals.
  const names = `[${usage.outputNames.map((n) => JSON.stringify(n)).join(", ")}]`;
  const feed = `{${JSON.stringify(usage.inputName)}: inputs}`;
  const unpackable = usage.outputNames.every((n) => PYTHON_NAME.test(n) && !PYTHON_KEYWORDS.has(n));
  let run: string;
  if (!unpackable) {
    run = `outputs = session.run(${names}, ${feed})`;
  } else if (usage.outputNames.length === 1) {
    run = `${usage.outputNames[0] ?? "output"} = session.run(${names}, ${feed})[0]`;
  } else {
    run = `${usage.outputNames.join(", ")} = session.run(${names}, ${feed})`;
  }
  const what =
    features !== undefined && features.length === usage.inputWidth
      ? `# One row per example, ${usage.inputWidth} values in this order: ${features.join(", ").replace(/\s*\n\s*/g, " ")}`
      : `# One row per example, ${usage.inputWidth} values each.`;
  const code = [
    "import numpy as np",
    "import onnxruntime as ort",
    "",
    `session = ort.InferenceSession(${JSON.stringify(usage.modelFile)})`,
    what,
    `inputs = np.zeros((1, ${usage.inputWidth}), dtype=np.${usage.inputType})`,
    run,
  ].join("\n");
  return [
    "## How to use",
    `The model is an ONNX graph with one input, \`${usage.inputName}\` (${usage.inputType}, shape [batch, ${usage.inputWidth}]). With [ONNX Runtime](https://onnxruntime.ai):`,
    "```python\n" + code + "\n```",
  ].join("\n\n");
}

function privacySection(privacy: CardPrivacy | undefined): string {
  if (privacy === undefined) {
    return [
      "## Privacy",
      "No formal privacy guarantee: the model was trained without differential privacy, so it may reveal information about individual training records (for example to a membership inference attack).",
    ].join("\n\n");
  }
  const rows = [
    ["ε (epsilon)", String(privacy.epsilon)],
    ["δ (delta)", String(privacy.delta)],
    ["Noise multiplier", String(privacy.noiseMultiplier)],
    ["Clipping norm (L2, per example)", String(privacy.clipNorm)],
    ["Sampling rate", String(privacy.sampleRate)],
  ];
  if (privacy.steps !== undefined) {
    rows.push(["Steps", String(privacy.steps)]);
  }
  if (privacy.accountant !== undefined) {
    rows.push(["Accountant", cell(privacy.accountant)]);
  }
  return [
    "## Privacy",
    `Trained with differentially private SGD: the training run is (ε = ${privacy.epsilon}, δ = ${privacy.delta})-differentially private with respect to the training records.`,
    table(["Parameter", "Value"], rows),
  ].join("\n\n");
}

/**
 * Writes a model card (`README.md`) in the Hugging Face format: YAML front matter (license,
 * `library_name: onnx`, tags, datasets, metrics, pipeline tag, `model-index`) and sections on
 * the model, its uses, training data and procedure, evaluation, usage with ONNX Runtime, and
 * privacy. Sections whose info is missing are left out; the privacy section always says
 * whether there is a formal guarantee.
 *
 * @example
 * const readme = modelCardMarkdown({
 *   modelName: "iris-mlp",
 *   description: "Classifies iris flowers from four measurements.",
 *   license: "apache-2.0",
 *   pipelineTag: "tabular-classification",
 *   dataset: { id: "iris", name: "Iris", rows: 150 },
 *   results: [{ type: "accuracy", value: 0.9666666666666667, split: "test" }],
 * });
 */
export function modelCardMarkdown(info: ModelCardInfo): string {
  checkModelCardInfo(info);
  const sections = [
    `# ${inline(info.modelName)}`,
    info.description.trim(),
    usesSection(info),
    dataSection(info.dataset),
    info.training === undefined ? undefined : trainingSection(info.training),
    resultsSection(info.results),
    ...(info.sections ?? []).map((s) => `## ${inline(s.heading)}\n\n${s.markdown.trim()}`),
    info.usage === undefined ? undefined : usageSection(info.usage, info.dataset.features),
    privacySection(info.privacy),
  ].filter((s): s is string => s !== undefined);
  return `---\n${frontMatter(info)}---\n\n${sections.join("\n\n")}\n`;
}
