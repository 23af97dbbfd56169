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
 * Training progress: a bar of epochs with the loss and validation metric on a
 * terminal; otherwise a line at every tenth of the run, so logs stay short.
 */
export function createEpochProgress(
  label: string,
  stream: NodeJS.WriteStream,
): { epoch(figures: EpochReport): void; stop(): void } {
  const describe = (f: EpochReport) =>
    `loss ${f.loss.toFixed(4)}` +
    (f.valLoss === null ? "" : ` | val loss ${f.valLoss.toFixed(4)}`) +
    (f.valMetric === null ? "" : ` | val ${f.metricName} ${f.valMetric.toFixed(4)}`);
  if (!stream.isTTY) {
    return {
      epoch(f) {
        const every = Math.max(1, Math.round(f.epochs / 10));
        if (f.epoch === 1 || f.epoch % every === 0 || f.epoch === f.epochs) {
          stream.write(`${label} epoch ${f.epoch}/${f.epochs}: ${describe(f)}\n`);
        }
      },
      stop() {},
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    epoch(f) {
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label} {bar} epoch {value}/{total} | {figures}`,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(f.epochs, 0, { figures: "" });
      }
      bar.update(f.epoch, { figures: describe(f) });
    },
    stop() {
      bar?.stop();
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

/**
 * Language-model training progress: a bar of steps with the loss, tokens a
 * second and the time left on a terminal; otherwise a line at every tenth of
 * the run.
 */
export function createStepProgress(
  label: string,
  stream: NodeJS.WriteStream,
): { step(progress: LmProgress): void; stop(): void } {
  const describe = (p: LmProgress) =>
    `loss ${p.loss.toFixed(4)} | ${Math.round(p.tokensPerSecond)} tokens/s | ETA ${duration(p.etaSeconds)}`;
  if (!stream.isTTY) {
    return {
      step(p) {
        const every = Math.max(1, Math.round(p.steps / 10));
        if (p.step % every === 0 || p.step === p.steps) {
          stream.write(`${label} step ${p.step}/${p.steps}: ${describe(p)}\n`);
        }
      },
      stop() {},
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    step(p) {
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label} {bar} step {value}/{total} | {figures}`,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.steps, p.step - 1, { figures: "" });
      }
      bar.update(p.step, { figures: describe(p) });
    },
    stop() {
      bar?.stop();
    },
  };
}
