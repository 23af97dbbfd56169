import type { Command } from "commander";
import { modelPath, parseModelRef, type CliContext } from "../context.js";
import { wholeNumberFlag } from "../flags.js";

/** `GET /api/models/:ns/:name/downloads` as the hub gives it. */
interface DownloadStats {
  readonly model: string;
  readonly from: string;
  readonly to: string;
  readonly versions: readonly {
    readonly version: string;
    readonly stage: string | null;
    readonly days: readonly { readonly day: string; readonly downloads: number }[];
    readonly total: number;
  }[];
  readonly total: number;
}

/**
 * The figures as a table: a row per day with any download (oldest first), a
 * column per version (newest first, as the hub lists them) and their total,
 * then a row of totals. Columns are padded so that the figures line up.
 */
function statsLines(stats: DownloadStats): string[] {
  const heading = `downloads of ${stats.model} from ${stats.from} to ${stats.to} (UTC days)`;
  if (stats.versions.length === 0) {
    return [heading, "no published version you may see"];
  }
  if (stats.total === 0) {
    return [heading, "no downloads"];
  }
  const days = [...new Set(stats.versions.flatMap((v) => v.days.map((d) => d.day)))].sort();
  const countOf = stats.versions.map(
    (v) => new Map(v.days.map((d) => [d.day, d.downloads] as const)),
  );
  const rows: string[][] = [
    ["day", ...stats.versions.map((v) => v.version), "total"],
    ...days.map((day) => {
      const figures = countOf.map((c) => c.get(day) ?? 0);
      return [day, ...figures.map(String), String(figures.reduce((a, b) => a + b, 0))];
    }),
    ["total", ...stats.versions.map((v) => String(v.total)), String(stats.total)],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  return [heading, ...rows.map(line), "days without a download are left out"];
}

/** `gatehouse model stats NS/NAME [--days N]`, in the `model` group. */
export function registerModelStatsCommand(
  model: Command,
  contextOf: () => Promise<CliContext>,
): void {
  model
    .command("stats")
    .description(
      "downloads per version per day (UTC) of the versions you may see; a download counts once, at its first byte",
    )
    .argument("<ns/name>", "model")
    .option(
      "--days <n>",
      "the last N days, today included (default 30)",
      wholeNumberFlag(1, "give a whole number of days, at least 1"),
    )
    .action(async (id: string, options: { days?: number }) => {
      const ref = parseModelRef(id);
      const ctx = await contextOf();
      const query = options.days === undefined ? "" : `?days=${options.days}`;
      const stats = await ctx.client.json<DownloadStats>(
        "GET",
        `${modelPath(ref)}/downloads${query}`,
      );
      ctx.print(statsLines(stats), stats);
    });
}
