import { CliFailure } from "./context.js";

/**
 * The first `count` lines of a piped stdin, without their line endings and
 * otherwise as typed (a password may start or end with a space). For
 * `echo "$TOKEN" | gatehouse login` and `--password-stdin`.
 */
export async function readStdinLines(count: number): Promise<string[]> {
  let text = "";
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.split("\n").length > count) {
      break;
    }
  }
  return text
    .split("\n")
    .slice(0, count)
    .map((line) => line.replace(/\r$/, ""));
}

/**
 * Asks for a secret on the terminal without echoing it: stdin in raw mode,
 * read key by key until Enter; Backspace takes back a character, Ctrl-C or
 * Ctrl-D with nothing typed gives up. Only called when stdin is a TTY.
 */
export function askHidden(prompt: string, stderr: NodeJS.WriteStream): Promise<string> {
  const stdin = process.stdin;
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (): void => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write("\n");
    };
    const onData = (chunk: string): void => {
      for (const key of chunk) {
        if (key === "\r" || key === "\n") {
          finish();
          resolve(typed);
          return;
        }
        if (key === "\u0003" || (key === "\u0004" && typed === "")) {
          finish();
          reject(new CliFailure("cancelled; nothing was changed", "CANCELLED"));
          return;
        }
        if (key === "\u007f" || key === "\b") {
          typed = Array.from(typed).slice(0, -1).join("");
        } else if (key >= " ") {
          typed += key;
        }
      }
    };
    stdin.on("data", onData);
  });
}
