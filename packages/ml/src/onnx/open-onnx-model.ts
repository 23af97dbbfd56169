import { readFile } from "node:fs/promises";
import path from "node:path";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { OnnxError } from "./onnx-error.js";
import { readOnnxModelInfo } from "./read-onnx-model-info.js";
import type { OnnxModelInfo, OnnxValueInfo } from "./read-onnx-model-info.js";

/** One output tensor of a run. */
export interface OnnxOutput {
  /** onnxruntime's element type name (`"float32"`, `"int64"`, …). */
  readonly type: string;
  readonly dims: readonly number[];
  /** Row-major values; int64 outputs come as a `BigInt64Array`. */
  readonly data: Tensor["data"];
}

/** Row-major values for {@link OnnxModel.run}: floats for float inputs, integers for int64 inputs. */
export type OnnxRunInput = Float64Array | Float32Array | Int32Array | BigInt64Array;

/** A loaded ONNX model ready to run on tabular rows. */
export interface OnnxModel {
  /** File name (or the name given for bytes), used in messages. */
  readonly name: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** Values per row the single input takes, when its shape is `[batch, F]` with a fixed `F`. */
  readonly featureCount: number | undefined;
  /** Header fields and `metadata_props`, including class labels and feature names when present. */
  readonly metadata: OnnxModelInfo;
  /**
   * Runs the model on `rows` row-major rows held in `x` (its length / `rows` values per row)
   * and returns every output by name. A float or double input takes `Float64Array` or
   * `Float32Array` values; an int64 input (a text model's token ids) takes `Int32Array` or
   * `BigInt64Array`. Throws {@link OnnxError} when the rows do not fit the input.
   */
  run(x: OnnxRunInput, rows: number): Promise<Record<string, OnnxOutput>>;
  /** Frees the native session. */
  close(): Promise<void>;
}

/** Options for {@link openOnnxModel}. */
export interface OpenOnnxModelOptions {
  /** Name used in messages when the model is given as bytes. */
  readonly name?: string;
}

function featureCountOf(inputs: readonly OnnxValueInfo[]): number | undefined {
  const only = inputs.length === 1 ? inputs[0] : undefined;
  const width = only?.shape?.length === 2 ? only.shape[1] : undefined;
  return typeof width === "number" ? width : undefined;
}

/**
 * Loads an ONNX model from a file path or bytes with onnxruntime-node (CPU).
 * Throws {@link OnnxError} when the file cannot be read or is not a valid ONNX model.
 *
 * @example
 * ```ts
 * const model = await openOnnxModel("model.onnx");
 * const { probabilities, label } = await model.run(dataset.x, dataset.rows);
 * await model.close();
 * ```
 */
export async function openOnnxModel(
  source: string | Uint8Array,
  options: OpenOnnxModelOptions = {},
): Promise<OnnxModel> {
  let bytes: Uint8Array;
  let name: string;
  if (typeof source === "string") {
    name = path.basename(source);
    try {
      bytes = await readFile(source);
    } catch (error) {
      throw new OnnxError(
        `cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  } else {
    bytes = source;
    name = options.name ?? "model";
  }
  const info = readOnnxModelInfo(bytes, name);
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes);
  } catch (error) {
    throw new OnnxError(
      `${name} is not a valid ONNX model: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const inputs = session.inputNames.map(
    (n) =>
      info.inputs.find((i) => i.name === n) ?? {
        name: n,
        elementType: undefined,
        shape: undefined,
      },
  );
  const featureCount = featureCountOf(inputs);

  async function run(x: OnnxRunInput, rows: number): Promise<Record<string, OnnxOutput>> {
    const input = inputs.length === 1 ? inputs[0] : undefined;
    if (input === undefined) {
      throw new OnnxError(
        `${name} has ${inputs.length} inputs (${session.inputNames.join(", ")}); run() feeds one feature matrix`,
      );
    }
    if (!Number.isInteger(rows) || rows < 1) {
      throw new OnnxError(`rows is ${rows}; expected a positive integer`);
    }
    if (x.length % rows !== 0) {
      throw new OnnxError(`x has ${x.length} values, which is not ${rows} rows of equal length`);
    }
    const columns = x.length / rows;
    const takesIds = input.elementType === "int64";
    if (featureCount !== undefined && columns !== featureCount) {
      throw new OnnxError(
        takesIds
          ? `${name} expects sequences of ${featureCount} token ids; got ${columns}`
          : `${name} expects ${featureCount} features per row; the dataset has ${columns}`,
      );
    }
    if (input.shape !== undefined && input.shape.length !== 2) {
      throw new OnnxError(
        `${name} input "${input.name}" has rank ${input.shape.length}; run() feeds a [rows, features] matrix`,
      );
    }
    const integers = x instanceof Int32Array || x instanceof BigInt64Array;
    if (takesIds !== integers) {
      throw new OnnxError(
        takesIds
          ? `${name} input "${input.name}" takes int64 token ids; pass an Int32Array or BigInt64Array, not a ${x.constructor.name}`
          : `${name} input "${input.name}" takes ${input.elementType ?? "float"} values; pass a Float64Array or Float32Array, not a ${x.constructor.name}`,
      );
    }
    let tensor: Tensor;
    if (x instanceof Int32Array) {
      tensor = new Tensor(
        "int64",
        BigInt64Array.from(x, (v) => BigInt(v)),
        [rows, columns],
      );
    } else if (x instanceof BigInt64Array) {
      tensor = new Tensor("int64", x, [rows, columns]);
    } else if (input.elementType === "double") {
      tensor = new Tensor("float64", Float64Array.from(x), [rows, columns]);
    } else if (input.elementType === "float" || input.elementType === undefined) {
      tensor = new Tensor("float32", x instanceof Float32Array ? x : Float32Array.from(x), [
        rows,
        columns,
      ]);
    } else {
      throw new OnnxError(
        `${name} input "${input.name}" has element type ${input.elementType}; run() feeds float, double or int64`,
      );
    }
    const results = await session.run({ [input.name]: tensor });
    const outputs: Record<string, OnnxOutput> = {};
    for (const [key, value] of Object.entries(results)) {
      outputs[key] = { type: value.type, dims: [...value.dims], data: value.data };
    }
    return outputs;
  }

  return {
    name,
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    inputs,
    outputs: info.outputs,
    featureCount,
    metadata: info,
    run,
    close: () => session.release(),
  };
}
