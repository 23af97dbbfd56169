import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { clearInterval, setInterval } from "node:timers";

function kib(status, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match === null ? null : Number(match[1]);
}

/**
 * Samples a process's resident memory from /proc every `everyMs`. VmHWM is the
 * kernel's own high-water mark, so a peak between two samples is not missed.
 * `stop()` returns the RSS at the start and the peaks, in MiB (null where /proc
 * is unavailable).
 */
export function sampleMemory(pid, everyMs = 50) {
  let maxRss = 0;
  let hwm = 0;
  let startRss = null;
  let available = true;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      startRss ??= kib(status, "VmRSS");
      maxRss = Math.max(maxRss, kib(status, "VmRSS") ?? 0);
      hwm = Math.max(hwm, kib(status, "VmHWM") ?? 0);
    } catch {
      available = false;
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return available || hwm > 0
        ? { startMiB: (startRss ?? 0) / 1024, rssMiB: maxRss / 1024, hwmMiB: hwm / 1024 }
        : { startMiB: null, rssMiB: null, hwmMiB: null };
    },
  };
}

let ticksPerSecond = null;

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat;
 * null where /proc is unavailable. On a shared machine this is steadier than
 * wall-clock throughput, since time spent waiting for a core does not count.
 */
export function cpuSeconds(pid) {
  try {
    ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}
