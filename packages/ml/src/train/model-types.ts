/** An activation a dense layer applies after `x·W + b`. */
export type Activation = "linear" | "relu" | "sigmoid" | "softmax";

/**
 * One fully connected layer as plain arrays, for ONNX export or inspection:
 * `out = activation(in · weights + bias)`, `weights` row-major `inputSize × outputSize`.
 */
export interface DenseLayer {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly activation: Activation;
}

/**
 * Progress after one epoch, e.g. for a progress bar. `valLoss` and `valMetric`
 * are null without validation data. The metric is accuracy for classifiers and
 * R² for regression, as `metricName` says.
 */
export interface EpochReport {
  /** 1-based. */
  readonly epoch: number;
  readonly epochs: number;
  /** Mean training loss over the epoch's batches. */
  readonly loss: number;
  readonly valLoss: number | null;
  readonly valMetric: number | null;
  readonly metricName: "accuracy" | "r2";
}

/** Stop when the validation loss has not improved for `patience` epochs. */
export interface EarlyStopping {
  /** Epochs without an improvement of more than `minDelta` before stopping. */
  readonly patience: number;
  /** Default 0. */
  readonly minDelta?: number;
  /** Put back the weights of the epoch with the lowest validation loss (default true). */
  readonly restoreBestWeights?: boolean;
}

/**
 * A numeric table to train on; a `TabularDataset` fits. Row-major `x`,
 * `featureNames.length` columns; `y` holds class indexes into `classes` for
 * classifiers and values for regression (`classes` empty).
 */
export interface TabularExamples {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly featureNames: readonly string[];
  readonly classes: readonly string[];
}

/** Options every trainer takes. */
export interface TrainOptions {
  /** Makes training repeat bit for bit: initial weights and batch order come from it. */
  readonly seed: number;
  /** Passes over the training data; an integer >= 1. */
  readonly epochs?: number;
  /** Rows per gradient step; `Infinity` means full batch. */
  readonly batchSize?: number;
  /** Adam's step size. */
  readonly learningRate?: number;
  /** Held-out rows scored after every epoch; needed for early stopping. */
  readonly validation?: TabularExamples;
  readonly earlyStopping?: EarlyStopping;
  readonly onEpoch?: (report: EpochReport) => void;
}

/** How training went. */
export interface TrainingSummary {
  readonly history: readonly EpochReport[];
  /** The last epoch run (1-based): `epochs` unless early stopping ended sooner. */
  readonly stoppedEpoch: number;
  /** The epoch whose weights the model holds (1-based). */
  readonly bestEpoch: number;
}

/** A trained model on numeric features. Call `dispose()` to free its tensors. */
export interface TabularModel {
  readonly kind: "linear-regression" | "logistic-regression" | "mlp";
  readonly task: "classification" | "regression";
  readonly featureNames: readonly string[];
  /** Class labels in output-column order; empty for regression. */
  readonly classes: readonly string[];
  readonly training: TrainingSummary;
  /**
   * Row-major predictions for `rows` rows of `x`: one value per row for regression,
   * one probability per class per row for classifiers (a single-sigmoid binary model
   * still returns two columns, `1 − p` and `p`).
   */
  predict(x: Float64Array, rows: number): Float64Array;
  /** The weights, input layer first. */
  denseLayers(): DenseLayer[];
  dispose(): void;
}

/**
 * Token-id sequences to train a text classifier on, e.g. from `padSequences`:
 * row-major `ids`, `sequenceLength` per row, ids in `[0, vocabSize)` with 0 the
 * padding; `labels[i]` the class index of row i.
 */
export interface SequenceExamples {
  readonly ids: Int32Array;
  readonly sequenceLength: number;
  readonly vocabSize: number;
  readonly labels: ArrayLike<number>;
  readonly classes: readonly string[];
}

/** An embedding table as plain arrays: row `id` is `weights[id * dim .. (id + 1) * dim]`. */
export interface EmbeddingWeights {
  readonly vocabSize: number;
  readonly dim: number;
  readonly weights: Float32Array;
}

/**
 * LSTM weights in the Keras layout, gates in the order input, forget, cell, output:
 * `kernel` row-major `inputSize × 4·units`, `recurrentKernel` `units × 4·units`,
 * `bias` `4·units`. Activations are tanh, with a sigmoid on the gates; the state
 * starts at zero and the last step's output feeds the dense head.
 */
export interface LstmWeights {
  readonly inputSize: number;
  readonly units: number;
  readonly kernel: Float32Array;
  readonly recurrentKernel: Float32Array;
  readonly bias: Float32Array;
}

/** A trained text classifier over token ids. Call `dispose()` to free its tensors. */
export interface TextModel {
  /** `text-lstm`: embedding → LSTM → dense; `text-pooling`: embedding → mean over steps → dense. */
  readonly kind: "text-lstm" | "text-pooling";
  readonly classes: readonly string[];
  readonly vocabSize: number;
  readonly sequenceLength: number;
  readonly training: TrainingSummary;
  /** One probability per class per row, row-major, for `rows` rows of token ids. */
  predict(ids: Int32Array, rows: number): Float64Array;
  embedding(): EmbeddingWeights;
  /** The recurrent layer's weights; null for the pooling model. */
  lstm(): LstmWeights | null;
  /** The classifier head after the embedding (and LSTM or pooling). */
  denseLayers(): DenseLayer[];
  dispose(): void;
}
