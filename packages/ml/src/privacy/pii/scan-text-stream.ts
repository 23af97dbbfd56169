import type { PiiFinding, PiiType } from "./pii-types.js";
import { countByType } from "./scan-table.js";
import { scanText, type ScanOptions } from "./scan-text.js";
import { lineAlignedChunks, type TextSource } from "./text-chunks.js";

/** A finding in a text file: also its 1-based line and column (in UTF-16 code units). */
export interface TextFilePiiFinding extends PiiFinding {
  readonly line: number;
  readonly column: number;
}

/** What a scan of a text stream found. */
export interface TextScanResult {
  readonly lines: number;
  /** UTF-16 code units read. */
  readonly length: number;
  readonly findings: TextFilePiiFinding[];
  readonly counts: Record<PiiType, number>;
}

/**
 * Scans a text stream piece by piece (pieces end at line breaks, so a value on
 * one line is never cut), keeping only the findings. `start`/`end` count UTF-16
 * code units from the beginning of the whole text.
 */
export async function scanTextStream(
  source: TextSource,
  options: ScanOptions = {},
): Promise<TextScanResult> {
  const findings: TextFilePiiFinding[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  let lastChar = "";
  for await (const piece of lineAlignedChunks(source)) {
    let scanned = 0;
    for (const f of scanText(piece, options)) {
      for (
        let i = piece.indexOf("\n", scanned);
        i >= 0 && i < f.start;
        i = piece.indexOf("\n", i + 1)
      ) {
        line++;
        lineStart = offset + i + 1;
        scanned = i + 1;
      }
      findings.push({
        ...f,
        start: offset + f.start,
        end: offset + f.end,
        line,
        column: offset + f.start - lineStart + 1,
      });
    }
    for (let i = piece.indexOf("\n", scanned); i >= 0; i = piece.indexOf("\n", i + 1)) {
      line++;
      lineStart = offset + i + 1;
    }
    offset += piece.length;
    lastChar = piece.charAt(piece.length - 1);
  }
  // A final line without a break still counts; an empty text has no lines.
  const lines = offset === 0 ? 0 : lastChar === "\n" ? line - 1 : line;
  return { lines, length: offset, findings, counts: countByType(findings) };
}
