/** A card every tier's lint accepts: all the sections, each with text. */
export function cleanCard(front: Record<string, string>): string {
  const yaml = Object.entries(front)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
  const sections = [
    "Intended uses",
    "Out-of-scope uses",
    "Limitations",
    "Bias, risks and limitations",
    "Training data",
    "Evaluation",
    "Environmental impact",
    "Technical specifications",
    "Model card contact",
  ];
  return `---\n${yaml}\n---\n# Model\n\n${sections.map((s) => `## ${s}\n\nWritten for the test.\n`).join("\n")}`;
}
