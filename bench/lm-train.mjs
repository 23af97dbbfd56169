// Language-model pretraining: @gatehouse/ml's trainLm (tfjs, wasm backend) against the same
// GPT decoder written in plain PyTorch, same sizes, batch and optimiser, measured in the same run.
import os from "node:os";
import { loadMl } from "./lib/load-ml.mjs";
import { median } from "./lib/report.mjs";
import { runPython } from "./lib/run-python.mjs";

const ROUNDS = 2;
const WARMUP_STEPS = 3;
const TIMED_STEPS = 20;
const BATCH = 16;
const LEARNING_RATE = 3e-4;
/** Random tokens the windows are drawn from: speed does not depend on what the text says. */
const STREAM_TOKENS = 100_000;

/**
 * Milliseconds between the ends of consecutive steps of one `trainLm` call after its
 * first `WARMUP_STEPS`, so the weights' initialisation and the first steps' kernel
 * compilation are left out. Each step is a batch's forward and backward pass, the
 * clipping, Adam's update and the loss read back.
 */
async function tfjsSteps(ml, tokens, config, steps) {
  const stamps = [];
  const trained = await ml.trainLm(tokens, {
    config,
    steps,
    batchSize: BATCH,
    learningRate: LEARNING_RATE,
    // A constant rate after the first step: the schedule costs nothing measurable.
    warmupSteps: 1,
    seed: 1,
    clipNorm: 1,
    onStep: () => stamps.push(performance.now()),
  });
  for (const w of trained.weights.values()) {
    w.dispose();
  }
  const timed = stamps.slice(WARMUP_STEPS - 1);
  return { stepMs: timed.slice(1).map((t, i) => t - timed[i]), loss: trained.losses.at(-1) };
}

/**
 * Pretraining tokens per second of `trainLm` with `DEFAULT_LM_SIZE` (vocabulary 1024,
 * context 64, 3 layers, 4 heads, width 96; batch 16; Adam β 0.9/0.95, clipping at norm 1)
 * on the tfjs wasm backend (one thread), against the same decoder in plain PyTorch
 * (`bench/py/lm_train.py`) with one thread per core, on random token windows of the
 * same shape. Median step time over `ROUNDS` × `TIMED_STEPS` steps each, after warm-up.
 * Needs `python3` with torch.
 */
export async function benchLmTrain({ log }) {
  const ml = await loadMl();
  const config = ml.DEFAULT_LM_SIZE;
  const rng = ml.createRng(1);
  const tokens = Int32Array.from({ length: STREAM_TOKENS }, () => rng.int(config.vocabSize));
  const pyArgs = [
    "--vocab",
    config.vocabSize,
    "--context",
    config.contextSize,
    "--layers",
    config.layers,
    "--heads",
    config.heads,
    "--width",
    config.width,
    "--batch",
    BATCH,
    "--steps",
    TIMED_STEPS,
    "--warmup-steps",
    WARMUP_STEPS,
    "--lr",
    LEARNING_RATE,
  ];
  const mine = [];
  const base = [];
  let last = null;
  for (let r = 0; r < ROUNDS; r++) {
    const ours = await tfjsSteps(ml, tokens, config, WARMUP_STEPS + TIMED_STEPS);
    const theirs = await runPython("lm_train.py", pyArgs, { timeoutMs: 180_000 });
    if (theirs.parameters !== ml.gptParameterCount(config)) {
      throw new Error(
        `lm_train.py built a model of ${theirs.parameters} parameters, the toolkit's has ` +
          `${ml.gptParameterCount(config)}; the two must be the same model`,
      );
    }
    mine.push(...ours.stepMs);
    base.push(...theirs.stepMs);
    last = { ours, theirs };
  }
  const tokensPerStep = BATCH * config.contextSize;
  const hub = (tokensPerStep * 1000) / median(mine);
  const baseline = (tokensPerStep * 1000) / median(base);
  const threads = last.theirs.threads;
  log(
    `lm-train: tfjs-wasm ${median(mine).toFixed(1)} ms/step (${hub.toFixed(0)} tokens/s), ` +
      `PyTorch ${last.theirs.torch} (${threads} threads on ${os.cpus().length} cores) ` +
      `${median(base).toFixed(1)} ms/step (${baseline.toFixed(0)} tokens/s) over ${ROUNDS} × ` +
      `${TIMED_STEPS} steps of ${BATCH} × ${config.contextSize} tokens, ` +
      `${ml.gptParameterCount(config)} parameters; last loss tfjs ${last.ours.loss.toFixed(3)}, ` +
      `torch ${last.theirs.finalLoss.toFixed(3)}`,
  );
  return {
    rows: [
      {
        figure: `LM pretraining (GPT ${config.layers}×${config.width}, batch ${BATCH} × ${config.contextSize}) vs PyTorch CPU, ${threads} threads`,
        hub,
        baseline,
        unit: "tokens/s",
        ratio: hub / baseline,
        target: "report",
        pass: null,
      },
    ],
  };
}
