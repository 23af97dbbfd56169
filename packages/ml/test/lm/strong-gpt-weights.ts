import { createRng } from "../../src/random/seeded.js";
import {
  gptWeightsFrom,
  initGptWeights,
  type GptConfig,
  type GptWeights,
} from "../../src/lm/index.js";

/**
 * Seeded weights larger than GPT-2's initial ones, so that attention is far from uniform,
 * with gains and biases away from one and zero, so that a misplaced one shows.
 */
export async function strongGptWeights(config: GptConfig, seed: number): Promise<GptWeights> {
  const initial = initGptWeights(config, createRng(seed));
  const values = new Map<string, Float32Array>();
  for (const [name, w] of initial) {
    const data = Float32Array.from((await w.data()) as Float32Array, (v) => v * 10);
    if (name.includes("ln_")) {
      values.set(
        name,
        data.map((_, i) => (name.endsWith("weight") ? 1 : 0) + 0.1 * Math.sin(i)),
      );
    } else if (name.endsWith(".bias")) {
      values.set(
        name,
        data.map((_, i) => 0.05 * Math.cos(i)),
      );
    } else {
      values.set(name, data);
    }
    w.dispose();
  }
  return gptWeightsFrom(config, values);
}
