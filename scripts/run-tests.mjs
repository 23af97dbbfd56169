// Runs every test file under packages/*/test with Node's test runner, TypeScript through tsx.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";

function testFiles(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      out = out.concat(testFiles(full));
    } else if (name.endsWith(".test.ts")) {
      out.push(full);
    }
  }
  return out;
}

const roots = readdirSync("packages")
  .map((p) => path.join("packages", p, "test"))
  .filter((p) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  });
const only = process.argv.slice(2);
const files = only.length > 0 ? only : roots.flatMap(testFiles).sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  // A test that hangs fails after ten minutes, naming itself, instead of holding the run for ever.
  // (Not --test-force-exit: under load it ended files before their later suites had run.)
  [
    "--import",
    "tsx",
    "--test",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=./scripts/slowest-files.mjs",
    "--test-reporter-destination=stdout",
    // Two files at a time on a two-core machine; more where the runner has the cores.
    `--test-concurrency=${Math.min(4, Math.max(2, availableParallelism()))}`,
    "--test-timeout=600000",
    ...files,
  ],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
