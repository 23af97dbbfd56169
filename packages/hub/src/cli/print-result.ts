import type { Command } from "commander";

/** Whether the global `--json` was given to `command` or the program. */
export function wantsJson(command: Command): boolean {
  return command.optsWithGlobals<{ json?: boolean }>().json === true;
}

/** A metric in command output: four decimals, or as it is when not finite. */
export const formatMetric = (value: number): string =>
  Number.isFinite(value) ? value.toFixed(4) : String(value);

/**
 * Output of the commands that work on local files and need no hub: `human` lines,
 * or `json` with the global `--json`.
 */
export function printResult(command: Command, human: readonly string[], json: unknown): void {
  process.stdout.write(
    wantsJson(command) ? `${JSON.stringify(json, null, 2)}\n` : `${human.join("\n")}\n`,
  );
}
