import { trainLanguageModel } from "./src/lm/index.js";
const t = performance.now();
const r = await trainLanguageModel({ corpus: "moby-dick", outDir: "/tmp/lm-smoke", size: { vocabSize: 300, contextSize: 32, layers: 1, heads: 2, width: 32 }, steps: 30, batchSize: 8, learningRate: 3e-3, warmupSteps: 5, seed: 1, licence: "apache-2.0",
  onStep: (p) => { if (p.step % 10 === 0) console.log(p.step, p.loss.toFixed(3), Math.round(p.tokensPerSecond)); } });
console.log(r.validation, r.samples, r.files, (performance.now() - t) / 1000);
