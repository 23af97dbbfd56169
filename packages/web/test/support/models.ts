import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { WebHub } from "./hub.js";

/**
 * Creates `id` with the CLI at `stage` and pushes a version of it holding
 * `files` (path → content), as an owner at a terminal would.
 */
export async function pushModel(
  hub: WebHub,
  id: string,
  files: Record<string, string>,
  options: { stage?: "private" | "internal" | "open"; version?: string; token?: string } = {},
): Promise<void> {
  const dir = path.join(hub.workDir, "push", id, options.version ?? "v1");
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  await hub
    .cli(["model", "create", id, `--${options.stage ?? "open"}`], options.token)
    .catch((err: unknown) => {
      // A second version of a model pushes without creating it again.
      if (!String(err).includes("already exists")) {
        throw err;
      }
    });
  await hub.cli(["push", dir, id, "--version", options.version ?? "v1"], options.token);
}

/** A model card: front matter fields, then the Markdown body. */
export function card(fields: string, body: string): string {
  return `---\n${fields.trim()}\n---\n${body}`;
}
