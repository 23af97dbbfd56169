import { sql } from "kysely";
import type { ByteRange } from "../blobs/index.js";
import type { HubContext } from "../context.js";

/** The UTC calendar day of `at`, as the download counts store it: `YYYY-MM-DD`. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * Whether a GET of a file starts a download, and so counts once: the whole
 * file (no Range, or one the hub ignores and answers with the whole body), or
 * a Range from byte 0. A resumed download (a Range starting later) has been
 * counted already. `Range: bytes=0-0` is @huggingface/hub's metadata probe
 * (lib/file-download-info.ts asks for it to read the size from
 * Content-Range): it is followed by the real download, so it never counts.
 *
 * @example startsDownload("bytes=0-1023", { start: 0, end: 1023 }) // true
 */
export function startsDownload(
  header: string | undefined,
  range: ByteRange | null | "unsatisfiable",
): boolean {
  if (range === null) {
    return true;
  }
  if (range === "unsatisfiable" || range.start !== 0) {
    return false;
  }
  return !/^bytes=0+-0+$/.test((header ?? "").trim());
}

/**
 * Adds one download of a version on today's UTC date (by the hub's clock).
 *
 * One upsert, written before the body is sent rather than batched in memory:
 * a single-row write (one commit, as the audit event of a restricted download
 * already costs) beside a body of megabytes to gigabytes, so the stream does
 * not feel it, and nothing is lost if the process dies. Only files of a few
 * bytes feel the commit's sync, and only on SQLite. The
 * increment happens in the database (`downloads = downloads + 1` on conflict),
 * so hub processes sharing one database count exactly, on SQLite and
 * PostgreSQL alike.
 */
export async function countDownload(ctx: HubContext, versionId: string): Promise<void> {
  await ctx.db
    .insertInto("download_counts")
    .values({ version_id: versionId, day: utcDay(ctx.clock.now()), downloads: 1 })
    .onConflict((oc) =>
      oc
        .columns(["version_id", "day"])
        .doUpdateSet({ downloads: sql<number>`download_counts.downloads + 1` }),
    )
    .execute();
}
