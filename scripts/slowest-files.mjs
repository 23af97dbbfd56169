// A test reporter that ends the run with its slowest files, so the suites that hold CI back are named.
import path from "node:path";

const SHOWN = 15;

export default async function* slowestFiles(source) {
  const seconds = new Map();
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") {
      continue;
    }
    const { file, nesting, details } = event.data;
    if (nesting !== 0 || file === undefined) {
      continue;
    }
    const key = path.relative(process.cwd(), file);
    seconds.set(key, (seconds.get(key) ?? 0) + details.duration_ms / 1000);
  }
  const ranked = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, SHOWN);
  yield `\nslowest test files (seconds, summed over their top-level tests):\n`;
  for (const [file, s] of ranked) {
    yield `${s.toFixed(1).padStart(8)}  ${file}\n`;
  }
}
