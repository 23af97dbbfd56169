import * as tf from "@tensorflow/tfjs";
import { createRng, shuffled } from "../random/seeded.js";
import type { LoopSettings } from "./check-input.js";
import { initWeights } from "./init-weights.js";
import type { EarlyStopping, EpochReport, TrainingSummary } from "./model-types.js";
import { scorePredictions, type OutputKind } from "./score-predictions.js";

/** Rows for a network: row-major inputs and their targets. */
export interface NetworkRows {
  readonly x: Float32Array | Int32Array;
  /** Shape of one row's input, e.g. `[features]` or `[sequenceLength]`. */
  readonly rowShape: readonly number[];
  /** Values or class indexes. */
  readonly y: ArrayLike<number>;
}

/** A built (uncompiled) tfjs model and how to train it. */
export interface FitSpec {
  readonly model: tf.LayersModel;
  readonly output: OutputKind;
  readonly classCount: number;
  readonly train: NetworkRows;
  readonly validation?: NetworkRows;
  readonly settings: LoopSettings;
  readonly seed: number;
  readonly earlyStopping?: EarlyStopping;
  readonly onEpoch?: (report: EpochReport) => void;
  /** Starting bias of the output layer instead of zeros, e.g. the target mean. */
  readonly outputBias?: Float32Array;
}

function rowsOf(data: NetworkRows): number {
  return data.y.length;
}

type NetworkInput = Pick<NetworkRows, "x" | "rowShape">;

function inputTensor(data: NetworkInput, indices: readonly number[]): tf.Tensor {
  const width = data.rowShape.reduce((a, b) => a * b, 1);
  const out =
    data.x instanceof Int32Array
      ? new Int32Array(indices.length * width)
      : new Float32Array(indices.length * width);
  indices.forEach((row, k) => {
    out.set(data.x.subarray(row * width, (row + 1) * width), k * width);
  });
  return tf.tensor(
    out,
    [indices.length, ...data.rowShape],
    out instanceof Int32Array ? "int32" : "float32",
  );
}

function targetTensor(
  output: OutputKind,
  classCount: number,
  data: NetworkRows,
  indices: readonly number[],
): tf.Tensor {
  if (output === "softmax") {
    const out = new Float32Array(indices.length * classCount);
    indices.forEach((row, k) => {
      out[k * classCount + (data.y[row] ?? 0)] = 1;
    });
    return tf.tensor2d(out, [indices.length, classCount]);
  }
  return tf.tensor2d(
    Float32Array.from(indices, (row) => data.y[row] ?? 0),
    [indices.length, 1],
  );
}

/** Mean loss of a batch, as Keras computes it for the same `compile` loss. */
const LOSSES: Record<OutputKind, (y: tf.Tensor, p: tf.Tensor) => tf.Scalar> = {
  regression: (y, p) => tf.mean(tf.metrics.meanSquaredError(y, p)),
  sigmoid: (y, p) => tf.mean(tf.metrics.binaryCrossentropy(y, p)),
  softmax: (y, p) => tf.mean(tf.metrics.categoricalCrossentropy(y, p)),
};

/**
 * The variables behind a model's trainable weights. A layer weight is a tfjs variable
 * registered under the weight's own name; looking it up there gives the Variable
 * without a cast.
 */
function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  const registered = tf.engine().registeredVariables;
  return model.trainableWeights.map((weight) => {
    const variable = registered[weight.name];
    if (variable === undefined) {
      throw new Error(`weight ${weight.name} has no registered variable`);
    }
    return variable;
  });
}

/** Every row of `data` as one tensor, made from its buffer as it is rather than row by row. */
function wholeInput(data: NetworkInput, rows: number): tf.Tensor {
  return tf.tensor(
    data.x,
    [rows, ...data.rowShape],
    data.x instanceof Int32Array ? "int32" : "float32",
  );
}

/** Runs `model` on `input` in batches and returns its outputs row-major. */
function predictInput(model: tf.LayersModel, input: tf.Tensor): Float32Array {
  const result = model.predict(input, { batchSize: 512 });
  const out = (Array.isArray(result) ? result[0] : result)?.dataSync();
  tf.dispose(result);
  return Float32Array.from(out ?? []);
}

/** Runs `model` on every row of `data`, in batches, and returns its outputs row-major. */
export function predictRows(model: tf.LayersModel, data: NetworkInput, rows: number): Float32Array {
  if (rows === 0) {
    return new Float32Array(0);
  }
  const input = wholeInput(data, rows);
  const out = predictInput(model, input);
  input.dispose();
  return out;
}

/**
 * Initialises `model` from the seed and trains it with Adam in shuffled mini-batches,
 * scoring the validation rows after every epoch. With early stopping, training ends
 * once the validation loss has not improved by more than `minDelta` for `patience`
 * epochs, and the best epoch's weights are put back unless told otherwise.
 */
export async function fitModel(spec: FitSpec): Promise<TrainingSummary> {
  const { model, settings, train, validation } = spec;
  const rng = createRng(spec.seed);
  initWeights(model, rng.fork());
  const last = model.layers.at(-1);
  if (spec.outputBias !== undefined && last !== undefined) {
    const [kernel, bias] = last.getWeights();
    if (kernel !== undefined && bias !== undefined) {
      const start = tf.tensor(spec.outputBias, bias.shape);
      last.setWeights([kernel, start]);
      start.dispose();
    }
  }
  const shuffleRng = rng.fork();
  const optimizer = tf.train.adam(settings.learningRate);
  const lossOf = LOSSES[spec.output];
  const variables = trainableVariables(model);

  const rows = rowsOf(train);
  const batchSize = Math.min(rows, settings.batchSize);
  const order = Array.from({ length: rows }, (_, i) => i);
  const history: EpochReport[] = [];
  const stop = spec.earlyStopping;
  let best = { loss: Infinity, epoch: 0, weights: null as tf.Tensor[] | null };
  let epoch = 0;
  // Made once, not every epoch: the validation rows never change, and neither does the
  // training batch when one batch holds every row (it is not shuffled).
  const val =
    validation === undefined
      ? undefined
      : { y: validation.y, input: wholeInput(validation, rowsOf(validation)) };
  const fullBatch =
    batchSize === rows
      ? {
          xs: wholeInput(train, rows),
          ys: targetTensor(spec.output, spec.classCount, train, order),
        }
      : undefined;
  try {
    while (epoch < settings.epochs) {
      epoch += 1;
      const batches = fullBatch === undefined ? shuffled(order, shuffleRng) : order;
      // Batch losses stay tensors until the epoch ends: reading each back would cost a
      // round trip per batch, which dominates small batches (Keras's trainOnBatch does that).
      const batchLosses: tf.Tensor[] = [];
      for (let start = 0; start < rows; start += batchSize) {
        const indices = batches.slice(start, start + batchSize);
        const batch = fullBatch ?? {
          xs: inputTensor(train, indices),
          ys: targetTensor(spec.output, spec.classCount, train, indices),
        };
        const loss = optimizer.minimize(
          () => lossOf(batch.ys, model.apply(batch.xs, { training: true }) as tf.Tensor),
          true,
          variables,
        );
        if (batch !== fullBatch) {
          tf.dispose([batch.xs, batch.ys]);
        }
        if (loss !== null) {
          batchLosses.push(tf.mul(loss, indices.length));
          loss.dispose();
        }
      }
      const total = tf.addN(batchLosses);
      const lossSum = (await total.data())[0] ?? Number.NaN;
      tf.dispose([total, ...batchLosses]);
      let valLoss: number | null = null;
      let valMetric: number | null = null;
      if (val !== undefined) {
        const score = scorePredictions(spec.output, predictInput(model, val.input), val.y);
        valLoss = score.loss;
        valMetric = score.metric;
      }
      const report: EpochReport = {
        epoch,
        epochs: settings.epochs,
        loss: lossSum / rows,
        valLoss,
        valMetric,
        metricName: spec.output === "regression" ? "r2" : "accuracy",
      };
      history.push(report);
      spec.onEpoch?.(report);
      if (stop === undefined || valLoss === null) {
        continue;
      }
      if (valLoss < best.loss - (stop.minDelta ?? 0)) {
        tf.dispose(best.weights ?? []);
        const weights =
          stop.restoreBestWeights === false ? null : model.getWeights().map((w) => w.clone());
        best = { loss: valLoss, epoch, weights };
      } else if (epoch - best.epoch >= stop.patience) {
        break;
      }
    }
    if (best.weights !== null) {
      model.setWeights(best.weights);
      return { history, stoppedEpoch: epoch, bestEpoch: best.epoch };
    }
    return { history, stoppedEpoch: epoch, bestEpoch: epoch };
  } finally {
    tf.dispose([
      ...(best.weights ?? []),
      ...(val === undefined ? [] : [val.input]),
      ...(fullBatch === undefined ? [] : [fullBatch.xs, fullBatch.ys]),
    ]);
    // The model does not own an optimizer passed to compile; its moments are not needed after training.
    optimizer.dispose();
  }
}
