import { HubError } from "../errors/index.js";
import { treeDirectoryJson, treeFileJson } from "./hf-shapes.js";
import type { VersionRecord } from "./versions.js";

export type TreeEntry = ReturnType<typeof treeFileJson> | ReturnType<typeof treeDirectoryJson>;

/**
 * The entries under `dir` ("" for the root), as the Hugging Face tree endpoint
 * lists them: its files and folders, or with `recursive` everything below it,
 * folders included.
 */
export function listTree(version: VersionRecord, dir: string, recursive: boolean): TreeEntry[] {
  const prefix = dir === "" ? "" : `${dir.replace(/\/+$/, "")}/`;
  const files = version.files.filter((f) => f.path.startsWith(prefix));
  if (prefix !== "" && files.length === 0) {
    throw new HubError("ENTRY_NOT_FOUND", `no folder "${dir}" in version ${version.name}`);
  }
  const dirs = new Set<string>();
  const entries: TreeEntry[] = [];
  for (const file of files) {
    const rest = file.path.slice(prefix.length).split("/");
    const depth = recursive ? rest.length - 1 : Math.min(1, rest.length - 1);
    for (let i = 1; i <= depth; i += 1) {
      dirs.add(prefix + rest.slice(0, i).join("/"));
    }
    if (recursive || rest.length === 1) {
      entries.push(treeFileJson(file));
    }
  }
  for (const d of [...dirs].sort()) {
    entries.push(treeDirectoryJson(d, version));
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
