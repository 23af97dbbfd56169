// Not a test: a measurement run, kept beside the tests it extends. It trains the models on
// the built-in datasets at full size and prints the figures as JSON:
// Iris MLP test accuracy over five seeds, Boston test R² of gradient descent against
// least squares, and SpamAssassin test F1 (spam class) with epoch times for both text
// models. Run from the repository root:
//   node --import tsx packages/ml/test/train/measure.ts [iris|boston|spam-pooling|spam-lstm ...]
// EPOCHS and MAX_LEN override the text models' epochs and sequence length.
import {
  Vocabulary,
  loadBoston,
  loadIris,
  loadSpamAssassin,
  padSequences,
  trainTestSplit,
  StandardScaler,
  type TextDataset,
} from "../../src/data/index.js";
import { accuracyScore, f1Score, r2Score } from "../../src/metrics/index.js";
import {
  leastSquares,
  trainLinearRegression,
  trainMlp,
  trainTextClassifier,
  type SequenceExamples,
} from "../../src/train/index.js";

function argmax(p: Float64Array, k: number): Int32Array {
  return Int32Array.from({ length: p.length / k }, (_, i) => {
    const row = Array.from(p.subarray(i * k, (i + 1) * k));
    return row.indexOf(Math.max(...row));
  });
}

function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { mean, sd };
}

async function iris(): Promise<object> {
  const data = loadIris();
  const accuracies: number[] = [];
  const seconds: number[] = [];
  for (const seed of [1, 2, 3, 4, 5]) {
    const { train, test } = trainTestSplit(data, { testFraction: 0.2, seed });
    const scaler = new StandardScaler().fit(train);
    const start = performance.now();
    const model = await trainMlp(scaler.transformDataset(train), { seed });
    seconds.push((performance.now() - start) / 1000);
    const p = model.predict(scaler.transform(test.x), test.y.length);
    accuracies.push(accuracyScore(test.y, argmax(p, 3)));
    model.dispose();
  }
  return { accuracies, ...meanSd(accuracies), secondsPerModel: meanSd(seconds).mean };
}

async function boston(): Promise<object> {
  const { train: rawTrain, test: rawTest } = trainTestSplit(loadBoston(), {
    testFraction: 0.2,
    seed: 42,
  });
  const scaler = new StandardScaler().fit(rawTrain);
  const train = scaler.transformDataset(rawTrain);
  const test = scaler.transformDataset(rawTest);
  const d = train.featureNames.length;
  const start = performance.now();
  const model = await trainLinearRegression(train, { seed: 1 });
  const seconds = (performance.now() - start) / 1000;
  const gd = r2Score(test.y, model.predict(test.x, test.y.length));
  const n = train.y.length;
  const x = new Float64Array(n * (d + 1));
  for (let i = 0; i < n; i++) {
    x[i * (d + 1)] = 1;
    x.set(train.x.subarray(i * d, (i + 1) * d), i * (d + 1) + 1);
  }
  const coef = leastSquares(x, train.y, n, d + 1);
  const exact = Float64Array.from({ length: test.y.length }, (_, i) => {
    let s = coef[0] ?? 0;
    for (let j = 0; j < d; j++) {
      s += (coef[j + 1] ?? 0) * (test.x[i * d + j] ?? 0);
    }
    return s;
  });
  const closedForm = r2Score(test.y, exact);
  model.dispose();
  return {
    gradientDescentR2: gd,
    closedFormR2: closedForm,
    gap: Math.abs(gd - closedForm),
    seconds,
  };
}

function encode(data: TextDataset, vocab: Vocabulary, maxLen: number): SequenceExamples {
  const padded = padSequences(
    data.texts.map((t) => vocab.encode(t)),
    { maxLen },
  );
  return {
    ids: padded.data,
    sequenceLength: maxLen,
    vocabSize: vocab.size,
    labels: data.labels,
    classes: data.classes,
  };
}

async function spam(architecture: "lstm" | "pooling"): Promise<object> {
  const epochs = Number(process.env.EPOCHS ?? (architecture === "lstm" ? 3 : 5));
  const maxLen = Number(process.env.MAX_LEN ?? 200);
  const { train, test } = trainTestSplit(loadSpamAssassin(), { testFraction: 0.2, seed: 42 });
  const vocab = Vocabulary.build(train.texts, { maxSize: 10000 });
  const epochSeconds: number[] = [];
  let last = performance.now();
  const model = await trainTextClassifier(encode(train, vocab, maxLen), {
    seed: 1,
    architecture,
    epochs,
    onEpoch: (r) => {
      const now = performance.now();
      epochSeconds.push((now - last) / 1000);
      last = now;
      console.error(`${architecture} epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)}`);
    },
  });
  const testSeqs = encode(test, vocab, maxLen);
  const p = model.predict(testSeqs.ids, test.labels.length);
  const f1 = f1Score(test.labels, argmax(p, 2));
  model.dispose();
  return { architecture, maxLen, epochs, trainRows: train.labels.length, f1Spam: f1, epochSeconds };
}

const tasks: Record<string, () => Promise<object>> = {
  iris,
  boston,
  "spam-pooling": () => spam("pooling"),
  "spam-lstm": () => spam("lstm"),
};
const chosen = process.argv.slice(2);
for (const name of chosen.length > 0 ? chosen : Object.keys(tasks)) {
  const task = tasks[name];
  if (task === undefined) {
    throw new Error(`unknown measurement "${name}"; choose from ${Object.keys(tasks).join(", ")}`);
  }
  console.log(JSON.stringify({ [name]: await task() }));
}
