import { Worker } from "node:worker_threads";
import { HubError } from "../errors/index.js";
import type { RunRequest, WorkerMessage, WorkerStart } from "./onnx-worker.js";
import type { ModelSignature, WireTensor } from "./tensor-types.js";

/** The worker's entry file beside this one. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER_FILE = new URL(FROM_SOURCE ? "./onnx-worker.ts" : "./onnx-worker.js", import.meta.url);

/**
 * A worker running the model file. From the build, the entry file itself; when
 * the hub runs from its TypeScript source (its tests, under tsx), the worker
 * does not inherit tsx's loader, so it registers it before importing the entry.
 */
function startWorker(start: WorkerStart): Worker {
  if (!FROM_SOURCE) {
    return new Worker(WORKER_FILE, { workerData: start });
  }
  const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_FILE.href)}); });`;
  return new Worker(boot, { eval: true, workerData: start });
}

export interface PoolOptions {
  readonly modelPath: string;
  readonly workers: number;
  readonly intraOpThreads: number;
  /** Calls that may wait when every worker is busy; one more is refused. */
  readonly queueLimit: number;
}

interface Job {
  readonly request: Omit<RunRequest, "id">;
  resolve(outputs: Record<string, WireTensor>): void;
  reject(err: Error): void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | null;
}

/** Seconds a refused caller is asked to wait: queued calls of small models drain well within it. */
const RETRY_AFTER_SECONDS = 1;

/** The refusal for a call that finds the queue full; `Retry-After` comes from its details. */
export function queueFull(what: string): HubError {
  return new HubError(
    "UNAVAILABLE",
    `${what} is busy: its queue is full; try again after ${RETRY_AFTER_SECONDS} s`,
    { retryAfterSeconds: RETRY_AFTER_SECONDS },
  );
}

/**
 * Worker threads each holding one onnxruntime session of the same model, and
 * the bounded queue of calls waiting for one. A call goes to an idle worker at
 * once or waits in arrival order.
 */
export class WorkerPool {
  private readonly slots: Slot[];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(
    slots: Slot[],
    readonly signature: ModelSignature,
    private readonly queueLimit: number,
    private readonly name: string,
  ) {
    this.slots = slots;
    for (const slot of slots) {
      slot.worker.on("message", (message: WorkerMessage) => {
        this.settle(slot, message);
      });
      slot.worker.on("error", (err) => {
        this.fail(slot, err);
      });
      slot.worker.on("exit", () => {
        this.fail(slot, new Error("the model's worker thread stopped"));
      });
    }
  }

  /**
   * Starts the workers and waits until every one has loaded the model (and
   * run its warm-up). If onnxruntime cannot load the file, every worker is
   * stopped and the error carries the runtime's message.
   */
  static async start(name: string, options: PoolOptions): Promise<WorkerPool> {
    const workers = Array.from({ length: options.workers }, () =>
      startWorker({ modelPath: options.modelPath, intraOpThreads: options.intraOpThreads }),
    );
    const loaded = await Promise.allSettled(workers.map((w) => firstMessage(w)));
    const failure = loaded.find((r): r is PromiseRejectedResult => r.status === "rejected")
      ?.reason as Error | undefined;
    const first = loaded[0];
    if (failure !== undefined || first?.status !== "fulfilled") {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new HubError(
        "BAD_REQUEST",
        `onnxruntime cannot load model.onnx of ${name}: ${failure?.message ?? "no worker started"}`,
      );
    }
    return new WorkerPool(
      workers.map((worker) => ({ worker, job: null })),
      first.value,
      options.queueLimit,
      name,
    );
  }

  /** Calls waiting for a worker. */
  get queueDepth(): number {
    return this.waiting.length;
  }

  /** Calls a worker is running now. */
  get running(): number {
    return this.slots.filter((s) => s.job !== null).length;
  }

  get workers(): number {
    return this.slots.length;
  }

  /** Whether every worker still runs; a pool that lost one is replaced on the next call. */
  get healthy(): boolean {
    return !this.closed;
  }

  /** Runs the model; refused with 503 when every worker is busy and the queue is full. */
  run(
    feeds: Readonly<Record<string, WireTensor>>,
    outputs: readonly string[],
  ): Promise<Record<string, WireTensor>> {
    if (this.closed) {
      return Promise.reject(new HubError("UNAVAILABLE", `${this.name} was unloaded; call again`));
    }
    return new Promise((resolve, reject) => {
      const job: Job = { request: { feeds, outputs }, resolve, reject };
      const idle = this.slots.find((s) => s.job === null);
      if (idle !== undefined) {
        this.dispatch(idle, job);
      } else if (this.waiting.length >= this.queueLimit) {
        reject(queueFull(this.name));
      } else {
        this.waiting.push(job);
      }
    });
  }

  /** Stops every worker; calls still waiting or running are refused. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const unloaded = new HubError("UNAVAILABLE", `${this.name} was unloaded; call again`);
    for (const job of this.waiting.splice(0)) {
      job.reject(unloaded);
    }
    for (const slot of this.slots) {
      slot.job?.reject(unloaded);
      slot.job = null;
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    const message: RunRequest = { id: this.nextId++, ...job.request };
    slot.worker.postMessage(message);
  }

  private settle(slot: Slot, message: WorkerMessage): void {
    const job = slot.job;
    if (job === null || (message.kind !== "result" && message.kind !== "error")) {
      return;
    }
    slot.job = null;
    if (message.kind === "result") {
      job.resolve(message.outputs);
    } else {
      job.reject(new HubError("BAD_REQUEST", `onnxruntime refused the inputs: ${message.message}`));
    }
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.dispatch(slot, next);
    }
  }

  private fail(slot: Slot, err: Error): void {
    if (this.closed) {
      return;
    }
    // A worker that died (out of memory, a native crash) takes its call with it; the
    // pool is retired so that the next call loads the model afresh.
    slot.job?.reject(new HubError("INTERNAL", `running ${this.name} failed: ${err.message}`));
    slot.job = null;
    void this.close();
  }
}

/** The first message of a starting worker: its model's signature, or the runtime's refusal. */
function firstMessage(worker: Worker): Promise<ModelSignature> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage): void => {
      cleanup();
      if (message.kind === "ready") {
        resolve(message.signature);
      } else {
        reject(new Error(message.kind === "failed" ? message.message : "unexpected message"));
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`the worker stopped (exit code ${code}) before loading the model`));
    };
    const cleanup = (): void => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}
