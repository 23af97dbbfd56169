import { readFile } from "node:fs/promises";

/** The front matter of a card: the YAML between a first line `---` and the next. */
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?$/m;

/**
 * The `license` of a model card (README.md with YAML front matter), read as
 * `modelCardMarkdown` writes it: a top-level `license:` line whose value is
 * plain or a double-quoted (JSON) string. Undefined when there is no card or
 * it names no licence.
 */
export async function readCardLicence(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  const yaml = text.startsWith("---") ? FRONT_MATTER.exec(text)?.[1] : undefined;
  const value = /^license:[ \t]*(.+?)[ \t]*$/m.exec(yaml ?? "")?.[1];
  if (value === undefined) {
    return undefined;
  }
  try {
    return value.startsWith('"') ? (JSON.parse(value) as string) : value;
  } catch {
    return undefined;
  }
}
