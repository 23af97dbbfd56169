// A baseline script in bench/py: run with python3, answer read as one JSON object on stdout.
import path from "node:path";
import { timeCommand } from "./child.mjs";
import { ROOT } from "./hub-process.mjs";

/**
 * Runs `bench/py/<script>` with `args` and returns the JSON it prints. Throws with
 * the script's stderr (e.g. which pip package is missing) when it fails.
 */
export async function runPython(script, args, { timeoutMs = 600_000 } = {}) {
  const file = path.join(ROOT, "bench", "py", script);
  let result;
  try {
    result = await timeCommand("python3", [file, ...args.map(String)], { timeoutMs });
  } catch (err) {
    if (err.code === "ENOENT") {
      throw new Error(
        `python3 is not on PATH; the ${script} baseline needs Python 3 with torch and onnxruntime`,
        { cause: err },
      );
    }
    throw err;
  }
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`${script} printed no JSON result:\n${result.stdout.slice(-2000)}`);
  }
}
