// Language-model generation: @gatehouse/ml's generation engine against a plain loop of
// onnxruntime-node runs over the same exported decoder, for the same tokens, in the same run.
import { loadMl } from "./lib/load-ml.mjs";
import { randomLm } from "./lib/random-lm.mjs";
import { median } from "./lib/report.mjs";

const ROUNDS = 3;
const STREAMS = 16;
const PROMPT_TOKENS = 8;

/** The id of the largest of the `vocab` logits from `offset`, the lowest among equals, as the engine picks greedily. */
function argmax(logits, offset, vocab) {
  let best = 0;
  for (let i = 1; i < vocab; i++) {
    if (logits[offset + i] > logits[offset + best]) {
      best = i;
    }
  }
  return best;
}

const int64 = (ort, values, dims) =>
  new ort.Tensor("int64", BigInt64Array.from(values, BigInt), dims);

/**
 * Greedy generation the plainest way: the prompt in one run, then one run per token
 * with the previous run's present keys and values fed back as the past. No batching,
 * no sampling settings, no text decoding.
 */
async function plainLoop({ ml, ort, session, config }, prompt, maxTokens) {
  const headSize = config.width / config.heads;
  const names = ml.GPT_ONNX_NAMES;
  let feeds = {
    [names.inputIds]: int64(ort, prompt, [1, prompt.length]),
    [names.attentionMask]: int64(
      ort,
      prompt.map(() => 1),
      [1, prompt.length],
    ),
    [names.positionIds]: int64(
      ort,
      prompt.map((_, i) => i),
      [1, prompt.length],
    ),
  };
  for (let layer = 0; layer < config.layers; layer++) {
    for (const kind of ["key", "value"]) {
      feeds[ml.gptPastName(layer, kind)] = new ort.Tensor("float32", new Float32Array(0), [
        1,
        config.heads,
        0,
        headSize,
      ]);
    }
  }
  const ids = [];
  let length = prompt.length;
  let rows = prompt.length;
  for (;;) {
    const out = await session.run(feeds);
    const token = argmax(out[names.logits].data, (rows - 1) * config.vocabSize, config.vocabSize);
    ids.push(token);
    if (ids.length === maxTokens) {
      return ids;
    }
    feeds = {
      [names.inputIds]: int64(ort, [token], [1, 1]),
      [names.attentionMask]: int64(ort, new Array(length + 1).fill(1), [1, length + 1]),
      [names.positionIds]: int64(ort, [length], [1, 1]),
    };
    for (let layer = 0; layer < config.layers; layer++) {
      for (const kind of ["key", "value"]) {
        feeds[ml.gptPastName(layer, kind)] = out[ml.gptPresentName(layer, kind)];
      }
    }
    length += 1;
    rows = 1;
  }
}

/** Every prompt through the engine at once; seconds until the last one ends, and the tokens drawn. */
async function engineRound(ml, engine, prompts, maxTokens) {
  const started = performance.now();
  const results = await Promise.all(
    prompts.map((prompt) => engine.generate({ prompt, maxTokens, sampling: ml.GREEDY, seed: 0 })),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const result of results) {
    if (result.finishReason !== "length" || result.completionTokens !== maxTokens) {
      throw new Error(
        `a generation ended by ${result.finishReason} after ${result.completionTokens} tokens, ` +
          `not ${maxTokens}; the plain loop would not do the same work (change the prompts' seed)`,
      );
    }
  }
  return { seconds, tokens: prompts.length * maxTokens, ids: results.map((r) => r.ids) };
}

/** The same prompts through the plain loop, one after another: what one session does without an engine. */
async function loopRound(loop, prompts, maxTokens) {
  const started = performance.now();
  const ids = [];
  for (const prompt of prompts) {
    ids.push(await plainLoop(loop, prompt, maxTokens));
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, tokens: prompts.length * maxTokens, ids };
}

/** Tokens at which the engine and the loop agree, of all generated. */
function agreement(a, b) {
  let same = 0;
  let all = 0;
  a.forEach((ids, s) => {
    ids.forEach((id, i) => {
      all += 1;
      same += id === b[s]?.[i] ? 1 : 0;
    });
  });
  return `${same}/${all}`;
}

async function compare({ ml, loop, label, engine, prompts, maxTokens, log }) {
  // Untimed: onnxruntime's first runs of each shape allocate and plan.
  await engineRound(ml, engine, prompts, maxTokens);
  await loopRound(loop, prompts, maxTokens);
  const mine = [];
  const base = [];
  let same = "";
  for (let r = 0; r < ROUNDS; r++) {
    const ours = await engineRound(ml, engine, prompts, maxTokens);
    const theirs = await loopRound(loop, prompts, maxTokens);
    mine.push(ours.tokens / ours.seconds);
    base.push(theirs.tokens / theirs.seconds);
    same = agreement(ours.ids, theirs.ids);
  }
  const hub = median(mine);
  const baseline = median(base);
  log(
    `lm-generate ${label}: engine ${hub.toFixed(0)} tokens/s, plain loop ${baseline.toFixed(0)} ` +
      `tokens/s (medians of ${ROUNDS} rounds of ${prompts.length} × ${maxTokens} tokens; ` +
      `tokens equal to the loop's: ${same})`,
  );
  return {
    figure: `LM generation, ${label}, vs a plain onnxruntime loop`,
    hub,
    baseline,
    unit: "tokens/s",
    ratio: hub / baseline,
    target: "report",
    pass: null,
  };
}

/**
 * Generation tokens per second of `createGenerationEngine` over a decoder of
 * `DEFAULT_LM_SIZE` (GPT-2's initial weights from a fixed seed, exported by
 * `exportGptOnnx` with a 1024-token BPE tokenizer), greedy, 8-token prompts and 56
 * new tokens each (the context is 64): one stream; 16 streams at once with continuous
 * batching (max batch 16); 16 streams with batching off. The baseline is a plain loop
 * of `InferenceSession.run` on the same bytes (the prompt in one run, then one token
 * per run with the key/value cache fed back, argmax), running the same prompts one
 * after another. Both sides use onnxruntime's default session options.
 */
export async function benchLmGenerate({ log }) {
  const ml = await loadMl();
  const { bytes, config, eos } = await randomLm(ml);
  const rng = ml.createRng(2);
  const prompts = Array.from({ length: STREAMS }, () =>
    Array.from({ length: PROMPT_TOKENS }, () => {
      // Any token but the end of text, which would end the generation at once.
      const id = rng.int(config.vocabSize - 1);
      return id >= eos ? id + 1 : id;
    }),
  );
  const maxTokens = config.contextSize - PROMPT_TOKENS;
  // Loaded here, so that the hub's figures do not load the native runtime.
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(bytes);
  const batched = await ml.createGenerationEngine(bytes, { batching: true, maxBatchSize: STREAMS });
  const unbatched = await ml.createGenerationEngine(bytes, {
    batching: false,
    maxBatchSize: STREAMS,
  });
  const common = { ml, loop: { ml, ort, session, config }, maxTokens, log };
  try {
    return {
      rows: [
        await compare({
          ...common,
          label: "1 stream",
          engine: batched,
          prompts: prompts.slice(0, 1),
        }),
        await compare({
          ...common,
          label: `${STREAMS} streams, continuous batching (max batch ${STREAMS})`,
          engine: batched,
          prompts,
        }),
        await compare({
          ...common,
          label: `${STREAMS} streams, batching off`,
          engine: unbatched,
          prompts,
        }),
      ],
    };
  } finally {
    await batched.close();
    await unbatched.close();
    await session.release();
  }
}
