import * as tf from "@tensorflow/tfjs";
import { checkLabels, checkOptions, checkSeveralClassesPresent } from "./check-input.js";
import { fitModel, predictRows, type NetworkRows } from "./fit-model.js";
import type { SequenceExamples, TextModel, TrainOptions } from "./model-types.js";
import { denseLayersOf, twoColumns } from "./tabular-model.js";
import { TrainInputError } from "./train-input-error.js";
import { useWasmBackend } from "./use-wasm-backend.js";

/** Options of `trainTextClassifier`. */
export interface TextClassifierOptions extends Omit<TrainOptions, "validation"> {
  /**
   * `lstm`: embedding → LSTM → dense, which reads word order; `pooling`: embedding →
   * global average pooling → dense, a bag of embeddings that trains many times faster.
   */
  readonly architecture: "lstm" | "pooling";
  /** Default 32. */
  readonly embeddingDim?: number;
  /** LSTM units; default 32. */
  readonly lstmUnits?: number;
  readonly validation?: SequenceExamples;
}

function checkSequences(data: SequenceExamples, role: string): number {
  const { ids, sequenceLength, vocabSize } = data;
  if (!Number.isInteger(sequenceLength) || sequenceLength < 1) {
    throw new TrainInputError(
      `${role} sequenceLength must be an integer >= 1, got ${sequenceLength}`,
    );
  }
  if (!Number.isInteger(vocabSize) || vocabSize < 2) {
    throw new TrainInputError(`${role} vocabSize must be an integer >= 2, got ${vocabSize}`);
  }
  if (ids.length % sequenceLength !== 0 || ids.length === 0) {
    throw new TrainInputError(
      `${role} ids has ${ids.length} values, which is not a positive whole number of sequences of length ${sequenceLength}`,
    );
  }
  const rows = ids.length / sequenceLength;
  if (data.labels.length !== rows) {
    throw new TrainInputError(
      `${role} data has ${rows} sequences but ${data.labels.length} labels`,
    );
  }
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k] ?? -1;
    if (id < 0 || id >= vocabSize) {
      throw new TrainInputError(
        `${role} row ${Math.floor(k / sequenceLength)}, position ${k % sequenceLength}: token id ${id} is outside the vocabulary 0..${vocabSize - 1}`,
      );
    }
  }
  checkLabels(data.labels, data.classes.length, role);
  return rows;
}

/**
 * Trains a text classifier on padded token-id sequences with Adam on cross-entropy:
 * a sigmoid output for two classes, softmax for more. Defaults: 5 epochs and learning
 * rate 0.005 (pooling), 3 epochs and 0.002 (LSTM), batches of 32; on SpamAssassin
 * both reach a spam F1 near 0.96 with these. No masking, so the padding id 0 is an
 * ordinary token: pad at the start ("pre", `padSequences`' default) for the LSTM, so
 * that the text, not the padding, comes last before its output is read.
 *
 * @example
 * const model = await trainTextClassifier(trainSeqs, { seed: 1, architecture: "pooling" });
 */
export async function trainTextClassifier(
  data: SequenceExamples,
  options: TextClassifierOptions,
): Promise<TextModel> {
  const lstm = options.architecture === "lstm";
  const settings = checkOptions(options, {
    epochs: lstm ? 3 : 5,
    batchSize: 32,
    learningRate: lstm ? 0.002 : 0.005,
  });
  const embeddingDim = options.embeddingDim ?? 32;
  const units = options.lstmUnits ?? 32;
  for (const [name, value] of [
    ["embeddingDim", embeddingDim],
    ["lstmUnits", units],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TrainInputError(`${name} must be an integer >= 1, got ${value}`);
    }
  }
  checkSequences(data, "training");
  checkSeveralClassesPresent(data.labels, data.classes);
  const validation = options.validation;
  if (validation !== undefined) {
    if (
      validation.sequenceLength !== data.sequenceLength ||
      validation.vocabSize !== data.vocabSize ||
      validation.classes.length !== data.classes.length
    ) {
      throw new TrainInputError(
        `validation data (sequence length ${validation.sequenceLength}, vocabulary ${validation.vocabSize}, ${validation.classes.length} classes) does not match training data (${data.sequenceLength}, ${data.vocabSize}, ${data.classes.length})`,
      );
    }
    checkSequences(validation, "validation");
  }

  await useWasmBackend();
  const binary = data.classes.length === 2;
  const output = binary ? "sigmoid" : "softmax";
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({
        inputDim: data.vocabSize,
        outputDim: embeddingDim,
        inputLength: data.sequenceLength,
        embeddingsInitializer: "zeros",
      }),
      lstm
        ? tf.layers.lstm({
            units,
            // tfjs defaults to hard sigmoid, unlike Keras since 2.3 and ONNX's LSTM.
            recurrentActivation: "sigmoid",
            kernelInitializer: "zeros",
            recurrentInitializer: "zeros",
          })
        : tf.layers.globalAveragePooling1d(),
      tf.layers.dense({
        units: binary ? 1 : data.classes.length,
        activation: output,
        kernelInitializer: "zeros",
      }),
    ],
  });
  const rowShape = [data.sequenceLength];
  const rowsOf = (d: SequenceExamples): NetworkRows => ({ x: d.ids, rowShape, y: d.labels });
  try {
    const training = await fitModel({
      model,
      output,
      classCount: data.classes.length,
      train: rowsOf(data),
      ...(validation === undefined ? {} : { validation: rowsOf(validation) }),
      settings,
      seed: options.seed,
      earlyStopping: options.earlyStopping,
      onEpoch: options.onEpoch,
    });
    return textModel(model, data, lstm, training);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function textModel(
  model: tf.Sequential,
  data: SequenceExamples,
  lstm: boolean,
  training: TextModel["training"],
): TextModel {
  const { sequenceLength, vocabSize } = data;
  const [embeddingLayer, middle] = model.layers;
  return {
    kind: lstm ? "text-lstm" : "text-pooling",
    classes: [...data.classes],
    vocabSize,
    sequenceLength,
    training,
    predict(ids, rows) {
      if (!Number.isInteger(rows) || rows < 0 || ids.length !== rows * sequenceLength) {
        throw new TrainInputError(
          `the model takes sequences of ${sequenceLength} token ids, but ids has ${ids.length} values for ${rows} rows (expected ${rows * sequenceLength})`,
        );
      }
      const outside = ids.findIndex((id) => id < 0 || id >= vocabSize);
      if (outside >= 0) {
        throw new TrainInputError(
          `row ${Math.floor(outside / sequenceLength)}, position ${outside % sequenceLength}: token id ${ids[outside]} is outside the vocabulary 0..${vocabSize - 1}; map unknown words to the out-of-vocabulary id`,
        );
      }
      const out = predictRows(model, { x: ids, rowShape: [sequenceLength] }, rows);
      return data.classes.length === 2 ? twoColumns(out) : Float64Array.from(out);
    },
    embedding() {
      const [table] = embeddingLayer?.getWeights() ?? [];
      const [, dim = 0] = table?.shape ?? [];
      return { vocabSize, dim, weights: Float32Array.from(table?.dataSync() ?? []) };
    },
    lstm() {
      if (!lstm || middle === undefined) {
        return null;
      }
      const [kernel, recurrentKernel, bias] = middle.getWeights();
      const [inputSize = 0, gates = 0] = kernel?.shape ?? [];
      return {
        inputSize,
        units: gates / 4,
        kernel: Float32Array.from(kernel?.dataSync() ?? []),
        recurrentKernel: Float32Array.from(recurrentKernel?.dataSync() ?? []),
        bias: Float32Array.from(bias?.dataSync() ?? []),
      };
    },
    denseLayers: () => denseLayersOf(model),
    dispose: () => {
      model.dispose();
    },
  };
}
