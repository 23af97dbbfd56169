import * as tf from "@tensorflow/tfjs";
import { TrainInputError } from "../../train/index.js";

/** Rows of a classification table: row-major features and class indexes. */
export interface LabelledRows {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
}

/**
 * Checks `data` against a network's input width and class count, and returns its
 * features and one-hot targets as tensors.
 */
export function labelledTensors(
  data: LabelledRows,
  inputSize: number,
  classCount: number,
  role: string,
): { x: tf.Tensor2D; targets: tf.Tensor2D; rows: number } {
  const rows = data.y.length;
  if (data.x.length !== rows * inputSize) {
    throw new TrainInputError(
      `${role} x has ${data.x.length} values but ${rows} rows of ${inputSize} features need ${rows * inputSize}`,
    );
  }
  const features = new Float32Array(data.x.length);
  for (let k = 0; k < data.x.length; k++) {
    const value = data.x[k] ?? Number.NaN;
    if (!Number.isFinite(value)) {
      throw new TrainInputError(
        `${role} row ${Math.floor(k / inputSize)}, feature ${k % inputSize}: ${value} is not a finite number; impute or drop it`,
      );
    }
    features[k] = value;
  }
  const oneHot = new Float32Array(rows * classCount);
  for (let i = 0; i < rows; i++) {
    const label = data.y[i] ?? Number.NaN;
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new TrainInputError(
        `${role} row ${i}: label ${label} is not a class index in 0..${classCount - 1}`,
      );
    }
    oneHot[i * classCount + label] = 1;
  }
  return {
    x: tf.tensor2d(features, [rows, inputSize]),
    targets: tf.tensor2d(oneHot, [rows, classCount]),
    rows,
  };
}
