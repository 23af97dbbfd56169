// Child processes with bounded lifetimes: every wait here ends, by success or by a kill.
import { spawn } from "node:child_process";
import { clearTimeout, setTimeout } from "node:timers";

/** Hides a token passed as a header argument, so error messages never show it. */
function redact(arg) {
  return /^authorization:/i.test(arg) ? "authorization: Bearer …" : arg;
}

/**
 * Runs a command to completion and returns its wall time in seconds, measured
 * from spawn to exit. Kills it and throws when it outlives `timeoutMs` or fails.
 */
export function timeCommand(command, args, { env, timeoutMs, cwd } = {}) {
  return new Promise((resolve, reject) => {
    if (closing) {
      reject(new Error(`not running ${command}: the run was interrupted`));
      return;
    }
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    let why = "";
    const timer = setTimeout(() => {
      why = " (timed out)";
      child.kill("SIGKILL");
    }, timeoutMs ?? 300_000);
    const stop = async () => {
      why = " (interrupted)";
      child.kill("SIGKILL");
    };
    running.add(stop);
    child.on("error", (err) => {
      running.delete(stop);
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      running.delete(stop);
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) {
        reject(
          new Error(
            `${command} ${args.map(redact).join(" ")} ended with ${signal ?? `exit code ${code}`}` +
              why +
              `\n${stderr.trim()}`,
          ),
        );
        return;
      }
      resolve({ seconds, stdout, stderr });
    });
  });
}

/** Children still running, so an interrupted run can end them all. */
const running = new Set();
let closing = false;

/**
 * Ends every child started here that is still running, and refuses to start
 * new ones: the run is over.
 */
export async function stopAllChildren() {
  closing = true;
  await Promise.all([...running].map((stop) => stop()));
}

/**
 * Starts a long-running server and resolves once it prints a line matching
 * `ready` (whose first group is its URL). `stop()` ends it: SIGTERM, then
 * SIGKILL if it lingers.
 */
export function startServer(command, args, { env, ready, timeoutMs = 30_000 }) {
  return new Promise((resolve, reject) => {
    if (closing) {
      reject(new Error(`not starting ${command}: the run was interrupted`));
      return;
    }
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let settled = false;
    const exited = new Promise((done) => child.once("exit", done));
    const stop = async () => {
      running.delete(stop);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(killer);
      }
    };
    running.add(stop);
    const fail = (reason) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(new Error(`${reason}\n${(out + err).trim().slice(-2000)}`));
      }
    };
    const timer = setTimeout(
      () => fail(`${command} did not start within ${timeoutMs} ms`),
      timeoutMs,
    );
    child.stdout.on("data", (d) => {
      out += d;
      const match = ready.exec(out);
      if (match !== null && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ pid: child.pid, url: match[1], stop, output: () => out + err });
      }
    });
    child.stderr.on("data", (d) => (err = (err + d).slice(-8000)));
    child.on("error", (e) => fail(e.message));
    child.on("exit", (code, signal) => {
      running.delete(stop);
      fail(`${command} exited early (${signal ?? code})`);
    });
  });
}
