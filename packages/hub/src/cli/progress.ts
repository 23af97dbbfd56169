import type { EpochReport, LmProgress } from "@gatehouse/ml";
import cliProgress from "cli-progress";

/** Reports the bytes of a transfer of many files: a bar on a terminal, a line per file otherwise. */
export interface TransferProgress {
  /** A file starts; `size` is its length in bytes. */
  startFile(filePath: string, size: number): void;
  /** `bytes` more bytes of the current file moved. */
  advance(bytes: number): void;
  /** The current file is done. */
  endFile(): void;
  stop(): void;
}

/** Human-readable byte count, e.g. `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit] ?? ""}`;
}

/**
 * Progress for `verb` ("uploaded", "downloaded") of `totalBytes` over `stream`.
 * The bar (bytes, rate, ETA) only draws when the stream is a terminal, so
 * pipes and logs get one plain line per finished file instead.
 */
export function createTransferProgress(
  verb: string,
  totalBytes: number,
  stream: NodeJS.WriteStream,
): TransferProgress {
  let current: { path: string; size: number } | undefined;
  if (!stream.isTTY) {
    return {
      startFile(filePath, size) {
        current = { path: filePath, size };
      },
      advance() {},
      endFile() {
        if (current !== undefined) {
          stream.write(`${verb} ${current.path} (${formatBytes(current.size)})\n`);
        }
        current = undefined;
      },
      stop() {},
    };
  }
  const started = Date.now();
  let done = 0;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${verb} {bar} {percentage}% | {moved}/{totalText} | {rate} | ETA {eta_formatted} | {file}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (file: string) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    return {
      file,
      moved: formatBytes(done),
      totalText: formatBytes(totalBytes),
      rate: `${formatBytes(done / seconds)}/s`,
    };
  };
  bar.start(Math.max(totalBytes, 1), 0, payload(""));
  return {
    startFile(filePath, size) {
      current = { path: filePath, size };
      bar.update(done, payload(filePath));
    },
    advance(bytes) {
      done += bytes;
      bar.update(done, payload(current?.path ?? ""));
    },
    endFile() {
      current = undefined;
    },
    stop() {
      bar.update(Math.max(totalBytes, 1), payload(""));
      bar.stop();
    },
  };
}

/**
 * A bar of `unit`s done out of a total, with figures beside it, on a
 * terminal; otherwise a line at the first and every tenth of the run, so logs
 * stay short.
 */
function createCountProgress(
  label: string,
  unit: string,
  stream: NodeJS.WriteStream,
): { update(done: number, total: number, figures: string): void; stop(): void } {
  if (!stream.isTTY) {
    return {
      update(done, total, figures) {
        const every = Math.max(1, Math.round(total / 10));
        if (done === 1 || done % every === 0 || done === total) {
          stream.write(`${label} ${unit} ${done}/${total}: ${figures}\n`);
        }
      },
      stop() {},
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, total, figures) {
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label} {bar} ${unit} {value}/{total} | {figures}`,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        // A resumed run starts its bar where it left off.
        bar.start(total, done - 1, { figures: "" });
      }
      bar.update(done, { figures });
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Training progress by epoch: the loss and the validation metric. */
export function createEpochProgress(
  label: string,
  stream: NodeJS.WriteStream,
): { epoch(figures: EpochReport): void; stop(): void } {
  const bar = createCountProgress(label, "epoch", stream);
  return {
    epoch(f) {
      bar.update(
        f.epoch,
        f.epochs,
        `loss ${f.loss.toFixed(4)}` +
          (f.valLoss === null ? "" : ` | val loss ${f.valLoss.toFixed(4)}`) +
          (f.valMetric === null ? "" : ` | val ${f.metricName} ${f.valMetric.toFixed(4)}`),
      );
    },
    stop: () => {
      bar.stop();
    },
  };
}

/** Seconds as `1h02m`, `4m05s` or `12s`, for an ETA. */
function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  }
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** Language-model training progress by step: the loss, tokens a second and the time left. */
export function createStepProgress(
  label: string,
  stream: NodeJS.WriteStream,
): { step(progress: LmProgress): void; stop(): void } {
  const bar = createCountProgress(label, "step", stream);
  return {
    step(p) {
      bar.update(
        p.step,
        p.steps,
        `loss ${p.loss.toFixed(4)} | ${Math.round(p.tokensPerSecond)} tokens/s | ETA ${duration(p.etaSeconds)}`,
      );
    },
    stop: () => {
      bar.stop();
    },
  };
}

/**
 * A training command's report on stderr: a line of facts once the data is
 * ready, then the step progress; nothing with --json, whose stdout is the
 * result alone.
 */
export function createTrainingProgress(
  label: string,
  json: boolean,
): {
  readonly ready: (facts: string) => void;
  readonly step: (progress: LmProgress) => void;
  readonly stop: () => void;
} {
  const steps = createStepProgress(label, process.stderr);
  return {
    ready: (facts) => {
      if (!json) {
        process.stderr.write(`${label}: ${facts}\n`);
      }
    },
    step: (p) => {
      if (!json) {
        steps.step(p);
      }
    },
    stop: () => {
      steps.stop();
    },
  };
}
