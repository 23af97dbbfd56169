import type { Task } from "../../data/index.js";
import { ONNX_TENSOR_NAMES } from "../../onnx/index.js";
import type { OnnxModel } from "../../onnx/index.js";
import { MembershipAuditError } from "./membership-audit-error.js";

/**
 * A trained model as the audit sees it. A `TabularModel` from the trainers fits as is;
 * {@link onnxPredictor} wraps an ONNX model.
 */
export interface MembershipPredictor {
  /** Used in messages; default "model". */
  readonly name?: string;
  readonly task: Task;
  /**
   * Class labels in output-column order. Empty for regression, and for a classifier that
   * does not name its classes: dataset labels must then be the column indexes 0, 1, ….
   */
  readonly classes: readonly string[];
  /** Feature columns the model reads, in order, when it names them. */
  readonly featureNames?: readonly string[] | undefined;
  /** Values per row the model reads, when it is fixed. */
  readonly featureCount?: number | undefined;
  /**
   * Row-major predictions for `rows` rows of `x`: a probability per class per row for
   * classifiers, one value per row for regression.
   */
  predict(x: Float64Array, rows: number): Promise<Float64Array> | Float64Array;
}

/**
 * Wraps an ONNX model written by `exportOnnx` (or any model with the same outputs): a
 * classifier has a `probabilities` output `[N, k]`, a regressor a `prediction` output
 * `[N, 1]`. Class labels and feature names come from the model's metadata when present.
 */
export function onnxPredictor(model: OnnxModel): MembershipPredictor {
  const classifier = model.outputNames.includes(ONNX_TENSOR_NAMES.probabilities);
  const output = classifier ? ONNX_TENSOR_NAMES.probabilities : ONNX_TENSOR_NAMES.prediction;
  if (!model.outputNames.includes(output)) {
    throw new MembershipAuditError(
      `${model.name} has outputs ${model.outputNames.map((n) => `"${n}"`).join(", ")}; the audit needs "${ONNX_TENSOR_NAMES.probabilities}" (a classifier) or "${ONNX_TENSOR_NAMES.prediction}" (a regressor)`,
    );
  }
  return {
    name: model.name,
    task: classifier ? "classification" : "regression",
    classes: model.metadata.classLabels ?? [],
    featureNames: model.metadata.featureNames,
    featureCount: model.featureCount,
    async predict(x, rows) {
      const result = (await model.run(x, rows))[output];
      if (result === undefined || !isNumeric(result.data)) {
        throw new MembershipAuditError(`${model.name}: output "${output}" is not a float tensor`);
      }
      const width = result.dims.length === 2 ? (result.dims[1] ?? 1) : 1;
      if (result.data.length !== rows * width || (!classifier && width !== 1)) {
        throw new MembershipAuditError(
          `${model.name}: output "${output}" has shape [${result.dims.join(", ")}] for ${rows} rows; expected [${rows}, ${classifier ? "classes" : "1"}]`,
        );
      }
      return Float64Array.from(result.data);
    },
  };
}

function isNumeric(data: unknown): data is Float32Array | Float64Array {
  return data instanceof Float32Array || data instanceof Float64Array;
}
