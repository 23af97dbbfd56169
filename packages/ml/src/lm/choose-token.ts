/** How the next token is chosen from a model's logits; OpenAI's parameters, vLLM's order of applying them. */
export interface SamplingSettings {
  /** Divides the logits; 0 takes the likeliest token (greedy). */
  readonly temperature: number;
  /** Only the k likeliest tokens may be drawn; 0 for all. */
  readonly topK: number;
  /** Only the likeliest tokens whose probabilities sum to at least p may be drawn (nucleus); 1 for all. */
  readonly topP: number;
  /** Subtracted once from the logit of every token already generated. */
  readonly presencePenalty: number;
  /** Subtracted from a token's logit once per time it was generated. */
  readonly frequencyPenalty: number;
}

export const GREEDY: SamplingSettings = {
  temperature: 0,
  topK: 0,
  topP: 1,
  presencePenalty: 0,
  frequencyPenalty: 0,
};

/**
 * The probabilities `settings` give the next token: penalties on the
 * tokens generated so far (`counts`: id → times), then temperature, top-k
 * and top-p, as vLLM applies them. Returns the candidates likeliest first,
 * their probabilities summing to 1. Greedy settings give the one likeliest
 * token (the lowest id among equals).
 */
export function tokenProbabilities(
  logits: ArrayLike<number>,
  settings: SamplingSettings,
  counts: ReadonlyMap<number, number> = new Map(),
): { readonly ids: number[]; readonly probabilities: number[] } {
  const adjusted = Float64Array.from(logits);
  for (const [id, times] of counts) {
    if (id >= 0 && id < adjusted.length && times > 0) {
      adjusted[id] =
        (adjusted[id] ?? 0) - settings.presencePenalty - times * settings.frequencyPenalty;
    }
  }
  if (settings.temperature === 0) {
    // One pass, not a sort: greedy decoding asks this for every token.
    let best = 0;
    for (let id = 1; id < adjusted.length; id++) {
      if ((adjusted[id] ?? 0) > (adjusted[best] ?? 0)) {
        best = id;
      }
    }
    return { ids: [best], probabilities: [1] };
  }
  const order = [...adjusted.keys()].sort(
    (a, b) => (adjusted[b] ?? 0) - (adjusted[a] ?? 0) || a - b,
  );
  const kept = settings.topK > 0 ? order.slice(0, settings.topK) : order;
  const top = adjusted[kept[0] ?? 0] ?? 0;
  // Shifted by the largest logit so that exp cannot overflow.
  const weights = kept.map((id) => Math.exp(((adjusted[id] ?? 0) - top) / settings.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let probabilities = weights.map((w) => w / total);
  let ids = kept;
  if (settings.topP < 1) {
    let sum = 0;
    let n = 0;
    while (n < probabilities.length && sum < settings.topP) {
      sum += probabilities[n] ?? 0;
      n += 1;
    }
    ids = ids.slice(0, n);
    probabilities = probabilities.slice(0, n).map((p) => p / sum);
  }
  return { ids, probabilities };
}

/** Draws the next token with `random()` (uniform in [0, 1)) from the distribution {@link tokenProbabilities} gives. */
export function chooseToken(
  logits: ArrayLike<number>,
  settings: SamplingSettings,
  counts: ReadonlyMap<number, number>,
  random: () => number,
): number {
  const { ids, probabilities } = tokenProbabilities(logits, settings, counts);
  let u = random();
  for (let i = 0; i < ids.length; i++) {
    u -= probabilities[i] ?? 0;
    if (u < 0) {
      return ids[i] as number;
    }
  }
  // Rounding can leave u a hair above the sum; the last candidate is the one it fell on.
  return ids[ids.length - 1] as number;
}
