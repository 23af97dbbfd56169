import { Worker } from "node:worker_threads";
import type { HubError } from "../errors/index.js";

const FROM_SOURCE = import.meta.url.endsWith(".ts");

/**
 * A worker thread running `entry`, a file of this folder named without its
 * extension. From the build, the entry file itself; when the hub runs from its
 * TypeScript source (its tests, under tsx), the worker does not inherit tsx's
 * loader, so it registers it before importing the entry.
 */
function startWorker(entry: string, workerData: unknown): Worker {
  const file = new URL(`./${entry}${FROM_SOURCE ? ".ts" : ".js"}`, import.meta.url);
  if (!FROM_SOURCE) {
    return new Worker(file, { workerData });
  }
  const boot = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * The first message of a starting worker, given to `accept`, which returns what
 * the worker reported on loading or throws its refusal. Rejects as well when
 * the thread fails or exits first.
 */
function firstMessage<T>(worker: Worker, accept: (message: unknown) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      cleanup();
      try {
        resolve(accept(message));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
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

/**
 * Starts `count` workers of `entry` and waits until every one has loaded its
 * model, reading each first message with `accept`. If one cannot, every
 * worker is stopped and `refusal` makes the error from the worker's reason.
 * Resolves with the workers and what the first one reported.
 */
export async function startWorkers<T>(
  count: number,
  entry: string,
  workerData: unknown,
  accept: (message: unknown) => T,
  refusal: (reason: string) => HubError,
): Promise<{ workers: Worker[]; first: T }> {
  const workers = Array.from({ length: count }, () => startWorker(entry, workerData));
  const loaded = await Promise.allSettled(workers.map((w) => firstMessage(w, accept)));
  const failure = loaded.find((r): r is PromiseRejectedResult => r.status === "rejected")
    ?.reason as Error | undefined;
  const first = loaded[0];
  if (failure !== undefined || first?.status !== "fulfilled") {
    await Promise.all(workers.map((w) => w.terminate()));
    throw refusal(failure?.message ?? "no worker started");
  }
  return { workers, first: first.value };
}
