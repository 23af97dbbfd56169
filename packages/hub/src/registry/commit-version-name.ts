import { assertVersionName } from "../names/index.js";

/** A commit title that names a version: `v1.2`, `1.2.0`, `v3`, `2.0.0-rc.1`. */
const VERSION_TITLE = /^v?\d+(\.\d+){0,3}([-+][0-9A-Za-z][0-9A-Za-z._-]*)?$/;
const INTEGER = /^[1-9]\d*$/;

function isValidVersionName(name: string): boolean {
  try {
    assertVersionName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The name of the version a Hugging Face commit to `main` publishes: the
 * commit title itself when it names a version (`v1.2`, `1.2.0`) that the
 * model does not have yet, otherwise the next whole number after the highest
 * whole-number name the model has (`1` for its first). Clients give titles
 * such as "Upload folder using huggingface_hub", which name nothing, so most
 * commits are numbered. `taken` holds every version name of the model,
 * drafts included.
 *
 * @example
 * versionNameFor("v1.2", ["1"]); // "v1.2"
 * versionNameFor("Upload model.bin with huggingface_hub", ["1", "v1.2"]); // "2"
 * versionNameFor("v1.2", ["1", "v1.2"]); // "2"
 */
export function versionNameFor(title: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  const wanted = title.trim();
  if (VERSION_TITLE.test(wanted) && !names.has(wanted) && isValidVersionName(wanted)) {
    return wanted;
  }
  let highest = 0n;
  for (const name of names) {
    if (INTEGER.test(name) && BigInt(name) > highest) {
      highest = BigInt(name);
    }
  }
  return String(highest + 1n);
}
