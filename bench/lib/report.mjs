/** The middle value (mean of the two middle ones for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fmt(value, digits = 2) {
  if (value === null || value === undefined) {
    return "-";
  }
  if (typeof value === "string") {
    return value;
  }
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toFixed(digits);
}

/**
 * Prints one row per figure: what the hub did, what the baseline did, their
 * ratio, the target and whether it was met.
 */
export function printTable(rows, out = process.stdout) {
  const header = ["figure", "hub", "baseline", "ratio", "target", "result"];
  const cells = rows.map((r) => [
    r.figure,
    `${fmt(r.hub)} ${r.unit}`.trim(),
    r.baseline === null ? "-" : `${fmt(r.baseline)} ${r.unit}`.trim(),
    r.ratio === null ? "-" : `${fmt(r.ratio)}×`,
    r.target,
    r.pass === null ? "info" : r.pass ? "pass" : "FAIL",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => v.padEnd(widths[i])).join("  ");
  out.write(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const c of cells) {
    out.write(`${line(c)}\n`);
  }
}
