import { ONNX_METADATA_KEYS } from "./onnx-format.js";
import type {
  OnnxDenseLayer,
  OnnxExportMetadata,
  OnnxExportSpec,
  OnnxOneHot,
} from "./export-spec.js";
import { OnnxError } from "./onnx-error.js";

/** The raw-column layout the graph builder works from, after the spec has been checked. */
export interface ValidatedLayout {
  readonly featureCount: number;
  /** Raw indices of the numeric columns, in raw order. */
  readonly numericColumns: readonly number[];
  /** Raw index and categories of each one-hot column, in spec order. */
  readonly oneHotColumns: readonly {
    readonly column: number;
    readonly categories: readonly number[];
  }[];
  readonly isClassifier: boolean;
}

const FLOAT32_MAX = 3.4028234663852886e38;

function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined || !Number.isFinite(v)) {
      throw new OnnxError(`${what}[${i}] is ${String(v)}; every value must be a finite number`);
    }
    if (Math.abs(v) > FLOAT32_MAX) {
      throw new OnnxError(`${what}[${i}] is ${v}, too large for the file's float32 tensors`);
    }
  }
}

/** Checks that `values` has `expected` finite float32-representable numbers; `what` names it. */
export function checkLength(values: ArrayLike<number>, expected: number, what: string): void {
  if (values.length !== expected) {
    throw new OnnxError(`${what} has ${values.length} values; expected ${expected}`);
  }
  checkFinite(values, what);
}

function resolveColumn(entry: OnnxOneHot, index: number, names: readonly string[]): number {
  const what = `preprocessing.oneHot[${index}].column`;
  if (typeof entry.column === "string") {
    const found = names.indexOf(entry.column);
    if (found < 0) {
      throw new OnnxError(
        `${what}: "${entry.column}" is not one of preprocessing.featureNames (${names.join(", ")})`,
      );
    }
    return found;
  }
  if (!Number.isInteger(entry.column) || entry.column < 0 || entry.column >= names.length) {
    throw new OnnxError(
      `${what}: ${entry.column} is not a column index between 0 and ${names.length - 1}`,
    );
  }
  return entry.column;
}

function validatePreprocessing(spec: OnnxExportSpec): Omit<ValidatedLayout, "isClassifier"> {
  const names = spec.preprocessing.featureNames;
  if (names.length === 0) {
    throw new OnnxError("preprocessing.featureNames is empty; name every raw input column");
  }
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name.length === 0) {
      throw new OnnxError(`preprocessing.featureNames[${i}] is empty; give the column a name`);
    }
    if (seen.has(name)) {
      throw new OnnxError(`preprocessing.featureNames has "${name}" twice; names must be unique`);
    }
    seen.add(name);
  });

  const oneHotColumns: { column: number; categories: readonly number[] }[] = [];
  const categorical = new Set<number>();
  (spec.preprocessing.oneHot ?? []).forEach((entry, i) => {
    const column = resolveColumn(entry, i, names);
    if (categorical.has(column)) {
      throw new OnnxError(
        `preprocessing.oneHot[${i}]: column "${names[column] ?? column}" is one-hot encoded twice`,
      );
    }
    categorical.add(column);
    if (entry.categories.length === 0) {
      throw new OnnxError(`preprocessing.oneHot[${i}].categories is empty; list the codes`);
    }
    checkFinite(entry.categories, `preprocessing.oneHot[${i}].categories`);
    if (new Set(entry.categories).size !== entry.categories.length) {
      throw new OnnxError(`preprocessing.oneHot[${i}].categories has a repeated code`);
    }
    oneHotColumns.push({ column, categories: entry.categories });
  });

  const numericColumns = names.map((_, i) => i).filter((i) => !categorical.has(i));
  const scaler = spec.preprocessing.scaler;
  if (scaler !== undefined) {
    if (numericColumns.length === 0) {
      throw new OnnxError("preprocessing.scaler is given but every column is one-hot encoded");
    }
    const n = numericColumns.length;
    if (scaler.kind === "standard") {
      checkLength(scaler.mean, n, "preprocessing.scaler.mean");
      checkLength(scaler.scale, n, "preprocessing.scaler.scale");
      for (let i = 0; i < n; i++) {
        if (scaler.scale[i] === 0) {
          throw new OnnxError(
            `preprocessing.scaler.scale[${i}] is 0; use 1 for a constant column, as scikit-learn does`,
          );
        }
      }
    } else {
      checkLength(scaler.min, n, "preprocessing.scaler.min");
      checkLength(scaler.scale, n, "preprocessing.scaler.scale");
    }
  }
  return { featureCount: names.length, numericColumns, oneHotColumns };
}

/**
 * Checks the dense layers' sizes, values and activations. `firstSource` says where the first
 * layer's `firstInputSize` inputs come from, for the message when they do not match.
 */
export function validateLayers(
  layers: readonly OnnxDenseLayer[],
  firstInputSize: number,
  firstSource: string,
): void {
  if (layers.length === 0) {
    throw new OnnxError("layers is empty; a model needs at least one layer");
  }
  let expectedInput = firstInputSize;
  layers.forEach((layer, i) => {
    const what = `layers[${i}]`;
    for (const size of ["inputSize", "outputSize"] as const) {
      if (!Number.isInteger(layer[size]) || layer[size] < 1) {
        throw new OnnxError(`${what}.${size} is ${layer[size]}; expected a positive integer`);
      }
    }
    if (layer.inputSize !== expectedInput) {
      const source =
        i === 0
          ? `${firstSource} has ${expectedInput} values`
          : `layers[${i - 1}].outputSize is ${expectedInput}`;
      throw new OnnxError(`${what}.inputSize is ${layer.inputSize} but ${source}`);
    }
    checkLength(layer.weights, layer.inputSize * layer.outputSize, `${what}.weights`);
    checkLength(layer.bias, layer.outputSize, `${what}.bias`);
    if (layer.activation === "softmax" && i !== layers.length - 1) {
      throw new OnnxError(
        `${what}.activation is softmax; softmax is only allowed on the last layer`,
      );
    }
    expectedInput = layer.outputSize;
  });
}

function validateHead(spec: OnnxExportSpec): boolean {
  const last = spec.layers[spec.layers.length - 1];
  if (last === undefined) {
    throw new OnnxError("layers is empty; a model needs at least one layer");
  }
  const where = `layers[${spec.layers.length - 1}]`;
  const classes = spec.classes;
  const isClassifier =
    spec.kind === "logistic-regression" || (spec.kind === "mlp" && classes !== undefined);
  if (!isClassifier) {
    if (classes !== undefined) {
      throw new OnnxError(`a ${spec.kind} has no classes; remove classes or use another kind`);
    }
    if (spec.kind === "linear-regression" && last.activation !== "linear") {
      throw new OnnxError(`${where}.activation of a linear-regression must be linear`);
    }
    if (last.activation === "softmax") {
      throw new OnnxError(
        `${where}.activation is softmax but no classes are given; a classifier needs classes`,
      );
    }
    return false;
  }
  validateClassifierLayers(spec.layers, classes, spec.kind);
  return true;
}

/**
 * Checks that `classes` has at least two unique labels and that the last layer is a softmax
 * over them (or, for two classes, a single sigmoid unit).
 */
export function validateClassifierLayers(
  layers: readonly OnnxDenseLayer[],
  classes: readonly string[] | undefined,
  kind: string,
): void {
  const last = layers[layers.length - 1];
  if (last === undefined) {
    throw new OnnxError("layers is empty; a model needs at least one layer");
  }
  const where = `layers[${layers.length - 1}]`;
  if (classes === undefined || classes.length < 2) {
    throw new OnnxError(`a ${kind} classifier needs classes with at least two labels`);
  }
  if (new Set(classes).size !== classes.length) {
    throw new OnnxError("classes has a repeated label; labels must be unique");
  }
  const k = classes.length;
  const binarySigmoid = k === 2 && last.outputSize === 1 && last.activation === "sigmoid";
  const softmax = last.outputSize === k && last.activation === "softmax";
  if (!binarySigmoid && !softmax) {
    throw new OnnxError(
      `${where} has outputSize ${last.outputSize} with ${last.activation} activation; ` +
        `for ${k} classes use softmax with outputSize ${k}` +
        (k === 2 ? " or sigmoid with outputSize 1" : ""),
    );
  }
}

/**
 * Checks an export description as a whole and returns the column layout the graph is built
 * from. Throws {@link OnnxError} naming the first inconsistent field.
 */
export function validateExportSpec(spec: OnnxExportSpec): ValidatedLayout {
  validateMetadata(spec.metadata);
  const layout = validatePreprocessing(spec);
  const firstInputSize =
    layout.numericColumns.length +
    layout.oneHotColumns.reduce((sum, c) => sum + c.categories.length, 0);
  if (spec.kind !== "mlp" && spec.layers.length > 1) {
    throw new OnnxError(`a ${spec.kind} has exactly one layer; got ${spec.layers.length}`);
  }
  validateLayers(
    spec.layers,
    firstInputSize,
    "the preprocessed row (numeric columns plus one-hot indicators)",
  );
  const isClassifier = validateHead(spec);
  return { ...layout, isClassifier };
}

/** Checks the descriptive fields: a licence and producer version, no reserved key in `extra`. */
export function validateMetadata(metadata: OnnxExportMetadata): void {
  if (metadata.licence.trim() === "") {
    throw new OnnxError("metadata.licence is empty; name the licence the model is released under");
  }
  const reserved = Object.values(ONNX_METADATA_KEYS) as string[];
  for (const key of Object.keys(metadata.extra ?? {})) {
    if (reserved.includes(key)) {
      throw new OnnxError(
        `metadata.extra may not set "${key}": the exporter writes it; use another key`,
      );
    }
  }
  if (metadata.producerVersion.trim() === "") {
    throw new OnnxError("metadata.producerVersion is empty; give the producing software's version");
  }
}
