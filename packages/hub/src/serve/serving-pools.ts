import type { BlobStore } from "../blobs/index.js";
import type { ServeConfig } from "../config.js";
import { HubError } from "../errors/index.js";
import { isDecoder } from "./decoder-signature.js";
import { GenerationPool } from "./generation-pool.js";
import type { ModelSignature } from "./tensor-types.js";
import { WorkerPool, type BatchSettings } from "./worker-pool.js";

/** What runs a served version: OIP calls' workers, or a decoder's generation engines. */
export type Runner = WorkerPool | GenerationPool;

/** Which model file a served version runs, and with how many workers. */
export interface PoolTarget {
  readonly versionId: string;
  /** `namespace/name@version`, for messages. */
  readonly label: string;
  readonly sha256: string;
  readonly workers: number;
  readonly batching: BatchSettings;
  /** A decoder exported for generation (isDecoder), run by generation engines. */
  readonly generative: boolean;
}

/** Whether a served version's workers are running in this process. */
export type LoadState = "loaded" | "loading" | "idle";

export interface PoolStatus {
  readonly state: LoadState;
  /** Calls waiting for a worker. */
  readonly queueDepth: number;
  /** Calls a worker is running. */
  readonly running: number;
  /** Whether waiting calls are run together: the model allows it and its max batch is above 1. */
  readonly batched: boolean;
  /** Runs that answered more than one call since the workers were loaded. */
  readonly batches: number;
  /** Calls those runs answered. */
  readonly batchedCalls: number;
}

interface Entry {
  pool: Runner | null;
  /** The pool being loaded, and whether it is one of generation engines. */
  loading: { readonly pool: Promise<Runner>; readonly generative: boolean } | null;
  timer: NodeJS.Timeout | null;
}

/**
 * The worker pools of this hub process, one per served version, loaded on
 * enable or on the first call after start or unload, and unloaded after the
 * idle time. Which versions are served is the database's to say; this only
 * holds what runs here, so every hub replica loads what it is called for.
 */
export class ServingPools {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(
    private readonly blobs: BlobStore,
    private readonly config: ServeConfig,
  ) {}

  /**
   * Starts a fresh pool for `target`, replacing any running one once the new
   * one is ready; throws the runtime's refusal when the file does not load,
   * leaving what ran before untouched.
   */
  async load(target: PoolTarget): Promise<Runner> {
    const entry = this.entryOf(target.versionId);
    const loading = { pool: this.start(target), generative: target.generative };
    entry.loading = loading;
    try {
      const pool = await loading.pool;
      const old = entry.pool;
      entry.pool = pool;
      this.armIdleTimer(target.versionId, entry);
      await old?.close();
      return pool;
    } finally {
      if (entry.loading === loading) {
        entry.loading = null;
      }
    }
  }

  /**
   * Loads a version being enabled and returns its model's signature. OIP
   * workers load it first, since onnxruntime reads the signature; a decoder
   * exported for generation then gets generation engines in their place.
   */
  async enable(target: Omit<PoolTarget, "generative">): Promise<ModelSignature> {
    // Loaded as not generative, the runner is a WorkerPool.
    const { signature } = (await this.load({ ...target, generative: false })) as WorkerPool;
    if (isDecoder(signature)) {
      await this.load({ ...target, generative: true });
    }
    return signature;
  }

  /** The running pool for `target`, loading it when it is not running (unloaded, or another process enabled it). */
  async poolFor(target: PoolTarget): Promise<Runner> {
    const entry = this.entryOf(target.versionId);
    const pool = entry.pool;
    if (
      pool?.healthy === true &&
      pool.workers === target.workers &&
      pool instanceof GenerationPool === target.generative
    ) {
      // Another process may have changed the settings; an OIP pool applies them without a reload.
      if (pool instanceof WorkerPool) {
        pool.setBatching(target.batching);
      }
      return pool;
    }
    // A load of the other kind (enabling reads a decoder's signature with OIP workers first) is
    // no answer for this call.
    return entry.loading?.generative === target.generative ? entry.loading.pool : this.load(target);
  }

  /** Marks a call finished: the idle time counts from the last call. */
  called(versionId: string): void {
    const entry = this.entries.get(versionId);
    if (entry !== undefined) {
      this.armIdleTimer(versionId, entry);
    }
  }

  status(versionId: string): PoolStatus {
    const entry = this.entries.get(versionId);
    const pool = entry?.pool?.healthy === true ? entry.pool : null;
    return {
      state: entry?.loading != null ? "loading" : pool !== null ? "loaded" : "idle",
      queueDepth: pool?.queueDepth ?? 0,
      running: pool?.running ?? 0,
      batched: pool?.batched ?? false,
      batches: pool instanceof WorkerPool ? pool.batchStats.batches : 0,
      batchedCalls: pool instanceof WorkerPool ? pool.batchStats.batchedCalls : 0,
    };
  }

  /** Stops a version's workers, refusing the calls they hold. */
  async unload(versionId: string): Promise<void> {
    const entry = this.entries.get(versionId);
    if (entry === undefined) {
      return;
    }
    this.entries.delete(versionId);
    if (entry.timer !== null) {
      clearTimeout(entry.timer);
    }
    await entry.pool?.close();
    await entry.loading?.pool.then((p) => p.close()).catch(() => undefined);
  }

  /** Stops every worker, when the hub closes, so that the process can exit. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.entries.keys()].map((id) => this.unload(id)));
  }

  private entryOf(versionId: string): Entry {
    if (this.closed) {
      throw new HubError("UNAVAILABLE", "the hub is shutting down; call again later");
    }
    let entry = this.entries.get(versionId);
    if (entry === undefined) {
      entry = { pool: null, loading: null, timer: null };
      this.entries.set(versionId, entry);
    }
    return entry;
  }

  private async start(target: PoolTarget): Promise<Runner> {
    const modelPath = await this.blobs.localFile(target.sha256);
    if (modelPath === null) {
      throw new HubError(
        "INTERNAL",
        `the content of model.onnx of ${target.label} (sha256 ${target.sha256}) is missing from the blob store`,
      );
    }
    const options = {
      modelPath,
      workers: target.workers,
      intraOpThreads: this.config.intraOpThreads,
      queueLimit: this.config.queueLimit,
      batching: target.batching,
    };
    return target.generative
      ? GenerationPool.start(target.label, options)
      : WorkerPool.start(target.label, options);
  }

  private armIdleTimer(versionId: string, entry: Entry): void {
    if (entry.timer !== null) {
      clearTimeout(entry.timer);
    }
    entry.timer = setTimeout(() => {
      entry.timer = null;
      const pool = entry.pool;
      if (pool === null || this.entries.get(versionId) !== entry) {
        return;
      }
      if (pool.running > 0 || pool.queueDepth > 0) {
        this.armIdleTimer(versionId, entry);
        return;
      }
      entry.pool = null;
      void pool.close();
    }, this.config.idleUnloadMs);
    // An idle timer alone never keeps the process alive.
    entry.timer.unref();
  }
}
