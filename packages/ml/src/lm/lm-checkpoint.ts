import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { GptConfig } from "./gpt-config.js";
import { readSafetensors, writeSafetensors, type F32Tensor } from "./safetensors.js";

/** Where a run stands: enough to go on from it as if it had never stopped. */
export interface LmCheckpoint {
  readonly config: GptConfig;
  /** Steps done. */
  readonly step: number;
  /** What the run was asked for; a resumed run must ask the same, or it would not be the same run. */
  readonly run: Readonly<Record<string, number>>;
  readonly weights: ReadonlyMap<string, F32Tensor>;
  /** Adam's step count and moments, by tfjs's names for them. */
  readonly optimizer: ReadonlyMap<string, F32Tensor>;
}

/** The folder a checkpoint lives in, under the run's output folder. */
export const CHECKPOINT_DIR = "checkpoint";

/** The values of tensors, read off the backend. */
export async function tensorValues(
  tensors: Iterable<readonly [string, tf.Tensor]>,
): Promise<Map<string, F32Tensor>> {
  const values = new Map<string, F32Tensor>();
  for (const [name, tensor] of tensors) {
    values.set(name, { shape: tensor.shape, data: Float32Array.from(await tensor.data()) });
  }
  return values;
}

/**
 * Writes a checkpoint into `dir`/checkpoint, replacing the last one only once
 * the new one is whole: a run killed while writing resumes from the one before.
 */
export async function saveLmCheckpoint(dir: string, checkpoint: LmCheckpoint): Promise<void> {
  const target = path.join(dir, CHECKPOINT_DIR);
  const staging = `${target}.writing`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await writeSafetensors(path.join(staging, "model.safetensors"), checkpoint.weights);
  await writeSafetensors(path.join(staging, "optimizer.safetensors"), checkpoint.optimizer);
  await writeFile(
    path.join(staging, "state.json"),
    `${JSON.stringify({ config: checkpoint.config, step: checkpoint.step, run: checkpoint.run }, null, 2)}\n`,
  );
  const old = `${target}.old`;
  await rm(old, { recursive: true, force: true });
  await rename(target, old).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
      throw err;
    }
  });
  await rename(staging, target);
  await rm(old, { recursive: true, force: true });
}

/** The checkpoint in `dir`/checkpoint, or null when the folder holds none. */
export async function loadLmCheckpoint(dir: string): Promise<LmCheckpoint | null> {
  const source = path.join(dir, CHECKPOINT_DIR);
  let state: { config: GptConfig; step: number; run: Record<string, number> };
  try {
    state = JSON.parse(await readFile(path.join(source, "state.json"), "utf8")) as typeof state;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return null;
    }
    throw new Error(`${source}/state.json cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const weights = await readSafetensors(path.join(source, "model.safetensors"));
  const optimizer = await readSafetensors(path.join(source, "optimizer.safetensors"));
  return { ...state, weights: weights.tensors, optimizer: optimizer.tensors };
}
