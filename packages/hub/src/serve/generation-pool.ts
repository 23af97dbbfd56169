import type { Worker } from "node:worker_threads";
import {
  fromTokenizerJson,
  type BpeTokenizer,
  type GenerationResult,
} from "@gatehouse/ml/generation";
import { HubError } from "../errors/index.js";
import type {
  GenerateRequest,
  GenerationWorkerMessage,
  GenerationWorkerRequest,
  GenerationWorkerStart,
} from "./generation-worker.js";
import { startWorkers } from "./start-worker.js";
import { queueFull, type BatchSettings } from "./worker-pool.js";

/** What a generation asks for: a request in the worker's terms, without its id. */
export type Generation = Omit<GenerateRequest, "kind" | "id">;

export interface GenerationPoolOptions {
  readonly modelPath: string;
  readonly workers: number;
  readonly intraOpThreads: number;
  /** Generations that may wait beyond those being decoded; more are answered 503. */
  readonly queueLimit: number;
  /** `maxBatch` is the most sequences one worker decodes together. */
  readonly batching: BatchSettings;
}

/** A generation or an embedding the pool waits on a worker for. */
type Job =
  | {
      readonly kind: "generate";
      readonly onText: (delta: string) => void;
      readonly resolve: (result: GenerationResult) => void;
      readonly reject: (err: Error) => void;
    }
  | {
      readonly kind: "embed";
      readonly resolve: (vectors: Float32Array[]) => void;
      readonly reject: (err: Error) => void;
    };

interface Slot {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
}

/** Pulls a worker's error message apart into the refusal a caller sees. */
function refusalOf(
  name: string,
  message: Extract<GenerationWorkerMessage, { kind: "error" }>,
): HubError {
  if (!message.input) {
    return new HubError("INTERNAL", `generating with ${name} failed: ${message.message}`);
  }
  return new HubError("BAD_REQUEST", message.message);
}

/**
 * Worker threads each holding a generation engine of the same decoder, which
 * batches the sequences it is given at every decoding step (continuous
 * batching); a new generation goes to the worker decoding the fewest. The
 * text of each comes back piece by piece as the worker streams it.
 */
export class GenerationPool {
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly slots: readonly Slot[],
    private readonly model: {
      readonly contextLength: number;
      readonly width: number;
      readonly embeds: boolean;
      readonly eosToken: string;
      readonly tokenizer: BpeTokenizer;
    },
    private readonly options: GenerationPoolOptions,
    private readonly name: string,
  ) {
    for (const slot of slots) {
      slot.worker.on("message", (message: GenerationWorkerMessage) => {
        this.settle(slot, message);
      });
      slot.worker.on("error", (err) => {
        this.fail(slot, err);
      });
      slot.worker.on("exit", (code) => {
        this.fail(slot, new Error(`the worker stopped (exit code ${code})`));
      });
    }
  }

  /**
   * Starts the workers and waits until every one has loaded the decoder; when
   * one cannot, every worker is stopped and the error carries its reason.
   */
  static async start(name: string, options: GenerationPoolOptions): Promise<GenerationPool> {
    const { workers, first } = await startWorkers(
      options.workers,
      "generation-worker",
      {
        modelPath: options.modelPath,
        intraOpThreads: options.intraOpThreads,
        maxBatchSize: options.batching.maxBatch,
      } satisfies GenerationWorkerStart,
      (posted) => {
        const message = posted as GenerationWorkerMessage;
        if (message.kind === "ready") {
          return {
            contextLength: message.contextLength,
            width: message.width,
            embeds: message.embeds,
            eosToken: message.eosToken,
            tokenizer: fromTokenizerJson(message.tokenizer),
          };
        }
        throw new Error(message.kind === "failed" ? message.message : "unexpected message");
      },
      (reason) => new HubError("BAD_REQUEST", `${name} cannot be served for generation: ${reason}`),
    );
    return new GenerationPool(
      workers.map((worker) => ({ worker, jobs: new Map() })),
      first,
      options,
      name,
    );
  }

  /** The most tokens a prompt and its completion may hold together. */
  get contextLength(): number {
    return this.model.contextLength;
  }

  /** Whether the decoder's file gives embeddings: those exported before it could do not. */
  get embeds(): boolean {
    return this.model.embeds;
  }

  /** The length of an embedding: the width of the decoder's residual stream. */
  get embeddingSize(): number {
    return this.model.width;
  }

  /** The text of the decoder's end-of-text token. */
  get eosToken(): string {
    return this.model.eosToken;
  }

  /** A text's token ids, by the model's own tokenizer. */
  encode(text: string): number[] {
    return this.model.tokenizer.encode(text);
  }

  /** The text of token ids, by the model's own tokenizer. */
  decode(ids: readonly number[]): string {
    return this.model.tokenizer.decode(ids);
  }

  /** The worker with the fewest jobs, which a new one goes to. */
  private leastBusy(): Slot {
    return this.slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  }

  private capacity(): number {
    return this.slots.length * this.options.batching.maxBatch;
  }

  private inFlight(): number {
    return this.slots.reduce((n, s) => n + s.jobs.size, 0);
  }

  /** Whether a generation now would be taken: a batch has a place or the queue has. */
  get hasRoom(): boolean {
    return this.hasRoomFor(1);
  }

  /** Whether `count` generations now would all be taken. */
  hasRoomFor(count: number): boolean {
    return !this.closed && this.inFlight() + count <= this.capacity() + this.options.queueLimit;
  }

  /** Generations waiting for a place in a batch. */
  get queueDepth(): number {
    return Math.max(0, this.inFlight() - this.capacity());
  }

  /** Generations being decoded. */
  get running(): number {
    return Math.min(this.inFlight(), this.capacity());
  }

  get workers(): number {
    return this.slots.length;
  }

  get healthy(): boolean {
    return !this.closed;
  }

  /** Generations are always decoded in batches, joining and leaving at each step. */
  get batched(): boolean {
    return true;
  }

  /**
   * Generates `generation`, giving each piece of new text to `onText` as the
   * worker streams it. Aborting `signal` ends it at the next decoding step,
   * resolving with finish reason `abort` and what was generated so far.
   */
  generate(
    generation: Generation,
    onText: (delta: string) => void,
    signal?: AbortSignal,
  ): Promise<GenerationResult> {
    if (!this.hasRoom) {
      return Promise.reject(queueFull(this.name));
    }
    const slot = this.leastBusy();
    const id = this.nextId++;
    return new Promise<GenerationResult>((resolve, reject) => {
      const onAbort = (): void => {
        slot.worker.postMessage({ kind: "abort", id } satisfies GenerationWorkerRequest);
      };
      const unlisten = (): void => {
        signal?.removeEventListener("abort", onAbort);
      };
      slot.jobs.set(id, {
        kind: "generate",
        onText,
        resolve: (result) => {
          unlisten();
          resolve(result);
        },
        reject: (err) => {
          unlisten();
          reject(err);
        },
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      slot.worker.postMessage({
        ...generation,
        kind: "generate",
        id,
      } satisfies GenerationWorkerRequest);
      if (signal?.aborted === true) {
        onAbort();
      }
    });
  }

  /**
   * The embedding of each input (token ids, each within the context): the
   * mean of the decoder's last hidden state over the input, of length 1
   * (GenerationEngine.embed). Each input is a job of its own, counted as a
   * generation is and given to the worker with the least to do, so a long
   * list takes its share of the queue and spreads over the workers.
   */
  embed(inputs: readonly (readonly number[])[]): Promise<Float32Array[]> {
    if (!this.hasRoomFor(inputs.length)) {
      return Promise.reject(queueFull(this.name));
    }
    return Promise.all(
      inputs.map((ids) => {
        const slot = this.leastBusy();
        const id = this.nextId++;
        return new Promise<Float32Array>((resolve, reject) => {
          slot.jobs.set(id, {
            kind: "embed",
            resolve: ([vector]) => {
              resolve(vector ?? new Float32Array(0));
            },
            reject,
          });
          slot.worker.postMessage({
            kind: "embed",
            id,
            inputs: [ids],
          } satisfies GenerationWorkerRequest);
        });
      }),
    );
  }

  /** Stops every worker; generations still running are refused at once. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const unloaded = new HubError("UNAVAILABLE", `${this.name} was unloaded; call again`);
    await Promise.all(
      this.slots.map((slot) => {
        for (const job of slot.jobs.values()) {
          job.reject(unloaded);
        }
        slot.jobs.clear();
        const exited = new Promise<void>((resolve) => {
          slot.worker.once("exit", () => {
            resolve();
          });
        });
        // A thread must not be terminated while onnxruntime runs on it (onnx-worker.ts).
        slot.worker.postMessage({ kind: "stop" } satisfies GenerationWorkerRequest);
        return exited;
      }),
    );
  }

  private settle(slot: Slot, message: GenerationWorkerMessage): void {
    if (message.kind === "ready" || message.kind === "failed") {
      return;
    }
    const job = slot.jobs.get(message.id);
    if (job === undefined) {
      return;
    }
    if (message.kind === "text") {
      if (job.kind === "generate") {
        job.onText(message.delta);
      }
      return;
    }
    slot.jobs.delete(message.id);
    if (message.kind === "error") {
      job.reject(refusalOf(this.name, message));
    } else if (message.kind === "done" && job.kind === "generate") {
      job.resolve(message.result);
    } else if (message.kind === "embedded" && job.kind === "embed") {
      job.resolve(message.vectors);
    } else {
      job.reject(
        new HubError(
          "INTERNAL",
          `${this.name}'s worker answered a ${job.kind} with ${message.kind}`,
        ),
      );
    }
  }

  /** A worker that failed or ended on its own: its generations are refused and the pool closes. */
  private fail(slot: Slot, err: Error): void {
    if (this.closed) {
      return;
    }
    for (const job of slot.jobs.values()) {
      job.reject(new HubError("INTERNAL", `generating with ${this.name} failed: ${err.message}`));
    }
    slot.jobs.clear();
    void this.close();
  }
}
