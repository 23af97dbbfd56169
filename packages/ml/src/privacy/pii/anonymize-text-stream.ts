import { once } from "node:events";
import type { Writable } from "node:stream";
import { applyReplacements, createReplacer, type AnonymizeOptions } from "./anonymize-text.js";
import type { PiiType } from "./pii-types.js";
import { countByType } from "./scan-table.js";
import { scanText } from "./scan-text.js";
import { lineAlignedChunks, type TextSource } from "./text-chunks.js";

/**
 * Anonymises a text stream into `output` piece by piece, in constant memory;
 * everything but the replaced values is copied byte for byte. Ends `output`.
 * Returns the number of replacements per type.
 */
export async function anonymizeTextStream(
  source: TextSource,
  output: Writable,
  options: AnonymizeOptions,
): Promise<Record<PiiType, number>> {
  const replace = createReplacer(options);
  const counts = countByType([]);
  for await (const piece of lineAlignedChunks(source)) {
    const findings = scanText(piece, options);
    for (const f of findings) {
      counts[f.type]++;
    }
    if (!output.write(applyReplacements(piece, findings, replace))) {
      await once(output, "drain");
    }
  }
  output.end();
  await once(output, "finish");
  return counts;
}
