import type { BlobStore } from "./blobs/index.js";
import type { Clock } from "./clock/index.js";
import type { Config } from "./config.js";
import type { WebhookClient } from "./events/index.js";
import type { SignalWatch, UsageRecorder } from "./limits/index.js";
import type { RegistryCaches } from "./registry/index.js";
import type { UsageLimiter } from "./limits/index.js";
import type { PolicySet } from "./release/load-policy.js";
import type { GateHooks, PublishHooks } from "./registry/index.js";
import type { ServingPools } from "./serve/index.js";
import type { Db, Store } from "./store/index.js";

/** The adapters every service works with, built once by the app factory. */
export interface HubContext {
  readonly config: Config;
  readonly store: Store;
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  /** Immutable data kept in memory for this app; never access state, which other processes change. */
  readonly caches: RegistryCaches;
  /** The release policy in force, loaded and compiled at start-up. */
  readonly policy: PolicySet;
  /** What follows a publication: the move to the model's initial stage, which the release folder decides. */
  readonly publish: PublishHooks;
  /** What gated access adds to download decisions: grants and licence acceptance, which the access folder decides. */
  readonly gate: GateHooks;
  /** The HTTP client webhook deliveries go out through. */
  readonly webhooks: WebhookClient;
  /** The worker pools running this process's served versions. */
  readonly serving: ServingPools;
  /** Counts calls against usage limits: in memory, or on Redis shared by every hub (REDIS_URL). */
  readonly limiter: UsageLimiter;
  /** Where every hosted-inference call is recorded, in batches off the request path. */
  readonly usage: UsageRecorder;
  /** The abuse-signal detectors over the recorded calls, and the tokens their signals suspended. */
  readonly signals: SignalWatch;
}
