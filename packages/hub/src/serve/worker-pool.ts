import type { Worker } from "node:worker_threads";
import { HubError } from "../errors/index.js";
import { FairOrder, insertByTag } from "./fair-order.js";
import type { RunRequest, StopRequest, WorkerMessage, WorkerStart } from "./onnx-worker.js";
import {
  batchableSignature,
  batchPart,
  concatFeeds,
  splitOutputs,
  transferables,
  type BatchPart,
} from "./batch-calls.js";
import { startWorkers } from "./start-worker.js";
import type { ModelSignature, WireTensor } from "./tensor-types.js";

export interface PoolOptions {
  readonly modelPath: string;
  readonly workers: number;
  readonly intraOpThreads: number;
  /** Calls that may wait when every worker is busy; one more is refused. */
  readonly queueLimit: number;
  readonly batching: BatchSettings;
}

/** Dynamic batching of a pool (docs/serving.md), as Triton's `dynamic_batching`. */
export interface BatchSettings {
  /** The most rows one run takes from waiting calls; 1 runs each call alone. */
  readonly maxBatch: number;
  /** How long a partial batch may wait for more calls, counted from its oldest call, in µs. */
  readonly maxDelayUs: number;
}

/** Whose call it is, for fair sharing when the model is saturated: a caller, and its share's weight. */
export interface Flow {
  readonly key: string;
  readonly weight: number;
}

interface Job {
  readonly part: BatchPart;
  /** Its place in the fair order (fair-order.ts): waiting calls are served by it. */
  readonly tag: number;
  /** When it started waiting, from `performance.now()`, in ms. */
  readonly since: number;
  /** Set after its batch was refused: it runs on its own, so only a bad call fails. */
  alone: boolean;
  resolve(outputs: Record<string, WireTensor>): void;
  reject(err: Error): void;
}

interface Slot {
  readonly worker: Worker;
  jobs: readonly Job[] | null;
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
 * once or waits in arrival order; when a worker frees, the waiting calls that
 * fit together (same inputs but for their rows, same outputs asked for) run as
 * one batch of up to `maxBatch` rows, so a busy model answers many calls per
 * hand-off to a thread and per pass over its weights.
 */
export class WorkerPool {
  private readonly slots: Slot[];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closed = false;
  private batching: BatchSettings;
  /** Cleared when a batched run's outputs could not be cut into rows: the model does not keep its batch dimension. */
  private batchable: boolean;
  private delayTimer: NodeJS.Timeout | null = null;
  /** Set while the calls of this turn of the event loop are gathered into a batch. */
  private gathering: NodeJS.Immediate | null = null;
  private stats = { batches: 0, batchedCalls: 0 };
  private readonly fair = new FairOrder();

  private constructor(
    slots: Slot[],
    readonly signature: ModelSignature,
    private readonly queueLimit: number,
    private readonly name: string,
    batching: BatchSettings,
  ) {
    this.slots = slots;
    this.batching = batching;
    this.batchable = batchableSignature(signature);
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
    const { workers, first } = await startWorkers(
      options.workers,
      "onnx-worker",
      {
        modelPath: options.modelPath,
        intraOpThreads: options.intraOpThreads,
      } satisfies WorkerStart,
      signatureOf,
      (reason) =>
        new HubError("BAD_REQUEST", `onnxruntime cannot load model.onnx of ${name}: ${reason}`),
    );
    return new WorkerPool(
      workers.map((worker) => ({ worker, jobs: null })),
      first,
      options.queueLimit,
      name,
      options.batching,
    );
  }

  /** Whether a call now would be taken: a worker is idle or the queue has a place. */
  get hasRoom(): boolean {
    return !this.closed && this.waiting.length < this.room();
  }

  /** How many calls may wait: the queue's places, and one for each idle worker about to take a call. */
  private room(): number {
    return this.queueLimit + this.slots.filter((s) => s.jobs === null).length;
  }

  /** Calls waiting for a worker. */
  get queueDepth(): number {
    return this.waiting.length;
  }

  /** Calls the workers are running now. */
  get running(): number {
    return this.slots.reduce((sum, s) => sum + (s.jobs?.length ?? 0), 0);
  }

  get workers(): number {
    return this.slots.length;
  }

  /** Whether every worker still runs; a pool that lost one is replaced on the next call. */
  get healthy(): boolean {
    return !this.closed;
  }

  /** Whether calls of this model are batched: its signature allows it and `maxBatch` is above 1. */
  get batched(): boolean {
    return this.batchable && this.batching.maxBatch > 1;
  }

  /** Runs of more than one call, and the calls they answered, since the pool started. */
  get batchStats(): { readonly batches: number; readonly batchedCalls: number } {
    return { ...this.stats };
  }

  /** Changes the batching of calls from now on; running batches are left alone. */
  setBatching(batching: BatchSettings): void {
    this.batching = batching;
  }

  /**
   * Runs the model; refused with 503 when every worker is busy and the queue
   * is full. While calls wait, they are served fairly between flows.
   */
  run(
    feeds: Readonly<Record<string, WireTensor>>,
    outputs: readonly string[],
    flow: Flow = { key: "", weight: 1 },
  ): Promise<Record<string, WireTensor>> {
    if (this.closed) {
      return Promise.reject(new HubError("UNAVAILABLE", `${this.name} was unloaded; call again`));
    }
    return new Promise((resolve, reject) => {
      if (this.waiting.length >= this.room()) {
        reject(queueFull(this.name));
        return;
      }
      const job: Job = {
        part: batchPart(feeds, outputs),
        tag: this.fair.tag(flow.key, flow.weight),
        since: performance.now(),
        alone: false,
        resolve,
        reject,
      };
      const idle = this.slots.find((s) => s.jobs === null);
      const batchable = this.batched && job.part.key !== null;
      const mayWait = this.batching.maxDelayUs > 0 && batchable;
      if (batchable && !mayWait) {
        // With no delay, the calls that arrive in one turn of the event loop (requests read
        // from many sockets at once) still share a run: they are handed to the workers at
        // the turn's end, in one message per batch instead of one per call, which for a
        // model that runs in microseconds costs more than the run itself.
        insertByTag(this.waiting, job);
        this.gathering ??= setImmediate(() => {
          this.gathering = null;
          this.pump();
        });
      } else if (idle !== undefined && this.waiting.length === 0 && !mayWait) {
        // Nothing is forming a batch and no delay was asked for: go at once.
        this.dispatch(idle, [job]);
      } else {
        insertByTag(this.waiting, job);
        this.pump();
      }
    });
  }

  /**
   * Stops every worker; calls still waiting or running are refused at once.
   * Resolves when every thread has ended: a busy one after its run returns.
   */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    if (this.delayTimer !== null) {
      clearTimeout(this.delayTimer);
      this.delayTimer = null;
    }
    if (this.gathering !== null) {
      clearImmediate(this.gathering);
      this.gathering = null;
    }
    const unloaded = new HubError("UNAVAILABLE", `${this.name} was unloaded; call again`);
    for (const job of this.waiting.splice(0)) {
      job.reject(unloaded);
    }
    await Promise.all(
      this.slots.map((slot) => {
        const jobs = slot.jobs;
        slot.jobs = null;
        if (jobs === null) {
          return slot.worker.terminate();
        }
        // Its callers are answered now; the thread itself may only end once its
        // run returns (StopRequest), so it is asked to and awaited.
        for (const job of jobs) {
          job.reject(unloaded);
        }
        const exited = new Promise<void>((resolve) => {
          slot.worker.once("exit", () => {
            resolve();
          });
        });
        slot.worker.postMessage({ kind: "stop" } satisfies StopRequest);
        return exited;
      }),
    );
  }

  /**
   * Hands waiting calls to idle workers, as batches where they fit. A partial
   * batch is held back until its oldest call has waited the max delay, unless
   * it is full; with no delay (the default, as Triton's) it goes at once, and
   * batches still form under load from the calls that arrive while every
   * worker is busy.
   */
  private pump(): void {
    while (!this.closed && this.waiting.length > 0) {
      const idle = this.slots.find((s) => s.jobs === null);
      if (idle === undefined) {
        return;
      }
      const { jobs, full } = this.nextBatch();
      const head = jobs[0];
      if (head === undefined) {
        return;
      }
      const holdMs = head.since + this.batching.maxDelayUs / 1000 - performance.now();
      if (!full && holdMs > 0) {
        this.delayTimer ??= setTimeout(() => {
          this.delayTimer = null;
          this.pump();
        }, holdMs);
        return;
      }
      // Compacted in place: a long queue spread into one call's arguments could overflow the stack.
      const taken = new Set(jobs);
      let kept = 0;
      for (const job of this.waiting) {
        if (!taken.has(job)) {
          this.waiting[kept++] = job;
        }
      }
      this.waiting.length = kept;
      this.dispatch(idle, jobs);
    }
  }

  /** The oldest waiting call and those after it that may join its run, and whether the run is full. */
  private nextBatch(): { jobs: Job[]; full: boolean } {
    const head = this.waiting[0];
    if (head === undefined) {
      return { jobs: [], full: false };
    }
    const { maxBatch } = this.batching;
    const rowsOf = (job: Job) => job.part.rows ?? 0;
    if (!this.batched || head.alone || head.part.key === null || rowsOf(head) >= maxBatch) {
      return { jobs: [head], full: true };
    }
    const jobs = [head];
    let rows = rowsOf(head);
    for (const job of this.waiting.slice(1)) {
      if (rows >= maxBatch) {
        break;
      }
      if (!job.alone && job.part.key === head.part.key && rows + rowsOf(job) <= maxBatch) {
        jobs.push(job);
        rows += rowsOf(job);
      }
    }
    return { jobs, full: rows >= maxBatch };
  }

  private dispatch(slot: Slot, jobs: readonly Job[]): void {
    slot.jobs = jobs;
    this.fair.started(Math.max(...jobs.map((j) => j.tag)));
    const [only] = jobs;
    // A call's own inputs were made for it alone (decodeRequest), and a batch's are
    // made here, so their buffers move to the worker instead of being copied; a
    // batch keeps its calls' own buffers in case it is refused and they run alone.
    const feeds =
      jobs.length === 1 && only !== undefined
        ? only.part.feeds
        : concatFeeds(jobs.map((j) => j.part));
    const message: RunRequest = {
      kind: "run",
      id: this.nextId++,
      feeds,
      outputs: jobs[0]?.part.outputs ?? [],
    };
    slot.worker.postMessage(message, transferables(feeds));
  }

  private settle(slot: Slot, message: WorkerMessage): void {
    const jobs = slot.jobs;
    if (jobs === null || (message.kind !== "result" && message.kind !== "error")) {
      return;
    }
    slot.jobs = null;
    const [only] = jobs;
    if (jobs.length === 1 && only !== undefined) {
      if (message.kind === "result") {
        only.resolve(message.outputs);
      } else {
        only.reject(
          new HubError("BAD_REQUEST", `onnxruntime refused the inputs: ${message.message}`),
        );
      }
    } else {
      const split =
        message.kind === "result"
          ? splitOutputs(
              message.outputs,
              jobs.map((j) => j.part),
            )
          : null;
      if (split === null) {
        if (message.kind === "result") {
          // The model declared an open batch dimension it does not keep: never batch it again.
          this.batchable = false;
        }
        // Each call runs again on its own, in its place in the fair order (near the
        // front: its tag is older than the calls that came since), so only a bad one fails.
        for (const job of jobs) {
          job.alone = true;
          insertByTag(this.waiting, job);
        }
      } else {
        this.stats.batches += 1;
        this.stats.batchedCalls += jobs.length;
        jobs.forEach((job, i) => {
          job.resolve(split[i] ?? {});
        });
      }
    }
    this.pump();
  }

  private fail(slot: Slot, err: Error): void {
    if (this.closed) {
      return;
    }
    // A worker that died (out of memory, a native crash) takes its calls with it; the
    // pool is retired so that the next call loads the model afresh.
    for (const job of slot.jobs ?? []) {
      job.reject(new HubError("INTERNAL", `running ${this.name} failed: ${err.message}`));
    }
    slot.jobs = null;
    void this.close();
  }
}

/** A starting worker's model signature, or the runtime's refusal. */
function signatureOf(posted: unknown): ModelSignature {
  const message = posted as WorkerMessage;
  if (message.kind === "ready") {
    return message.signature;
  }
  throw new Error(message.kind === "failed" ? message.message : "unexpected message");
}
