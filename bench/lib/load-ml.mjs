// The built @gatehouse/ml, loaded on demand so a missing build is a clear error, not a failed import.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./hub-process.mjs";

/** The package's public surface from `packages/ml/dist`; throws when it is not built. */
export async function loadMl() {
  const dist = path.join(ROOT, "packages", "ml", "dist", "index.js");
  if (!existsSync(dist)) {
    throw new Error("@gatehouse/ml is not built; run npx tsc -b packages/ml first");
  }
  return import(pathToFileURL(dist).href);
}
