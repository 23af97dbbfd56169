#!/usr/bin/env node
// The `gatehouse` command: runs the compiled CLI (`npm run build` writes dist/).
import { fileURLToPath } from "node:url";

let cli;
try {
  cli = await import("../dist/cli/main.js");
} catch (err) {
  // Only the CLI itself missing means "not built"; a missing dependency of it is a real error.
  const notBuilt =
    err?.code === "ERR_MODULE_NOT_FOUND" &&
    String(err.message).includes(`imported from ${fileURLToPath(import.meta.url)}`);
  if (!notBuilt) {
    throw err;
  }
  console.error("error: the gatehouse CLI is not built yet (NOT_BUILT)\nhint: run npm run build");
  process.exit(1);
}
await cli.run();
