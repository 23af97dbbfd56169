import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";

/**
 * Writes `value` as pretty JSON to `file` atomically: to a temporary file in the
 * same folder, flushed to disk, then renamed over `file`, so that a reader or a
 * crash sees the old content or the new, never half of it.
 */
export async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    const handle = await open(tmp, "wx");
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
