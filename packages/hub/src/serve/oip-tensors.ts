import { HubError } from "../errors/index.js";
import { numberToHalf } from "../half-float/index.js";
import { cutTensors, jsonValues, tensorFromBytes, tensorToBytes } from "./binary-tensors.js";
import {
  OIP_TO_ORT,
  oipDatatypeOf,
  type ModelSignature,
  type OipDatatype,
  type TensorData,
  type TensorSpec,
  type WireTensor,
} from "./tensor-types.js";

/**
 * An input tensor of an OIP v2 inference request: its values in `data` (the
 * JSON tensor format), or after the JSON when `parameters.binary_data_size`
 * is set (the binary tensor extension, binary-tensors.ts).
 */
export interface OipInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly data?: unknown;
}

/** An OIP v2 inference request (serving.md §1). */
export interface OipInferRequest {
  readonly id?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly inputs: readonly OipInput[];
  readonly outputs?: readonly {
    readonly name: string;
    readonly parameters?: Readonly<Record<string, unknown>>;
  }[];
}

/**
 * An output tensor of an OIP v2 inference response: its values in `data`, or,
 * asked for as binary, `parameters.binary_data_size` bytes after the JSON.
 */
export interface OipOutput {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
  readonly parameters?: { readonly binary_data_size: number };
  readonly data?: readonly (number | boolean | string)[];
}

const bad = (message: string) => new HubError("BAD_REQUEST", message);

const INTEGER_RANGES: Partial<Record<OipDatatype, readonly [number, number]>> = {
  UINT8: [0, 255],
  UINT16: [0, 65_535],
  UINT32: [0, 4_294_967_295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127],
  INT16: [-32_768, 32_767],
  INT32: [-2_147_483_648, 2_147_483_647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const shapeText = (shape: readonly number[]) => `[${shape.join(",")}]`;

/**
 * The values of `data` in row-major order. Nested lists must be regular (every
 * list at one depth as long as its siblings), since the protocol has no padding.
 */
function flatten(name: string, data: unknown): unknown[] {
  if (!Array.isArray(data)) {
    throw bad(`input "${name}": data must be a list of values, flat or nested`);
  }
  const out: unknown[] = [];
  const walk = (value: unknown[], depth: number, lengths: Map<number, number>): void => {
    const seen = lengths.get(depth);
    if (seen !== undefined && seen !== value.length) {
      throw bad(
        `input "${name}": nested data is ragged: lists at depth ${depth} hold ${seen} and ${value.length} values; give every row the same length`,
      );
    }
    lengths.set(depth, value.length);
    const nested = value.length > 0 && Array.isArray(value[0]);
    for (const item of value) {
      if (Array.isArray(item) !== nested) {
        throw bad(
          `input "${name}": nested data is ragged: lists at depth ${depth} mix values and lists`,
        );
      }
      if (nested) {
        walk(item as unknown[], depth + 1, lengths);
      } else {
        out.push(item);
      }
    }
  };
  walk(data, 0, new Map());
  return out;
}

/** Typed contents of one input, each value checked against its datatype. */
function typedData(name: string, datatype: OipDatatype, values: readonly unknown[]): TensorData {
  const wrong = (i: number, what: string) =>
    bad(
      `input "${name}": value ${i} (${JSON.stringify(values[i])}) is not ${what}, as datatype ${datatype} needs`,
    );
  switch (datatype) {
    case "BOOL":
      return Uint8Array.from(values, (v, i) => {
        if (typeof v !== "boolean") {
          throw wrong(i, "true or false");
        }
        return v ? 1 : 0;
      });
    case "BYTES":
      return values.map((v, i) => {
        if (typeof v !== "string") {
          throw wrong(i, "a string");
        }
        return v;
      });
    case "FP16":
    case "FP32":
    case "FP64": {
      const numbers = values.map((v, i) => {
        if (typeof v !== "number") {
          throw wrong(i, "a number");
        }
        return v;
      });
      return datatype === "FP16"
        ? Uint16Array.from(numbers, numberToHalf)
        : datatype === "FP32"
          ? Float32Array.from(numbers)
          : Float64Array.from(numbers);
    }
    default: {
      const [min, max] = INTEGER_RANGES[datatype] ?? [0, 0];
      const ints = values.map((v, i) => {
        if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
          throw wrong(i, `an integer from ${min} to ${max}`);
        }
        return v;
      });
      switch (datatype) {
        case "UINT8":
          return Uint8Array.from(ints);
        case "UINT16":
          return Uint16Array.from(ints);
        case "UINT32":
          return Uint32Array.from(ints);
        case "UINT64":
          return BigUint64Array.from(ints, (v) => BigInt(v));
        case "INT8":
          return Int8Array.from(ints);
        case "INT16":
          return Int16Array.from(ints);
        case "INT32":
          return Int32Array.from(ints);
        default:
          return BigInt64Array.from(ints, (v) => BigInt(v));
      }
    }
  }
}

/**
 * The values of a tensor given as JSON `data`, flat or nested, typed for
 * `datatype`: what its binary form holds. FP16 numbers become their half bits.
 */
export function tensorDataOf(name: string, datatype: OipDatatype, data: unknown): TensorData {
  return typedData(name, datatype, flatten(name, data));
}

/**
 * Checks one input against the model's declaration and converts it for the
 * runtime; `bytes` holds its binary form when it has one.
 */
function decodeInput(input: OipInput, spec: TensorSpec, bytes: Uint8Array | undefined): WireTensor {
  const { name, shape } = input;
  if (input.datatype !== spec.datatype) {
    throw bad(
      `input "${name}" has datatype ${input.datatype} but the model reads ${spec.datatype}`,
    );
  }
  const fits =
    shape.length === spec.shape.length &&
    shape.every((d, i) => {
      const declared = spec.shape[i] ?? -1;
      return declared < 0 || d === declared;
    });
  if (!fits) {
    throw bad(
      `input "${name}" has shape ${shapeText(shape)} but the model reads ${shapeText(spec.shape)} (-1: any size)`,
    );
  }
  if (bytes !== undefined) {
    return {
      type: OIP_TO_ORT[spec.datatype],
      dims: shape,
      data: tensorFromBytes(`input "${name}"`, spec.datatype, shape, bytes),
    };
  }
  if (input.data === undefined) {
    throw bad(
      `input "${name}" has neither data nor parameters.binary_data_size; give its values one way`,
    );
  }
  if (spec.datatype === "FP16") {
    throw bad(
      `input "${name}": FP16 has no JSON form; send it as binary data (parameters.binary_data_size, the binary tensor extension)`,
    );
  }
  const values = flatten(name, input.data);
  const size = shape.reduce((a, b) => a * b, 1);
  if (values.length !== size) {
    throw bad(
      `input "${name}" has ${values.length} values but its shape ${shapeText(shape)} holds ${size}`,
    );
  }
  return {
    type: OIP_TO_ORT[spec.datatype],
    dims: shape,
    data: typedData(name, spec.datatype, values),
  };
}

/** A boolean parameter of the extension, or undefined when absent. */
function flag(where: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") {
    return value;
  }
  throw bad(`${where} is ${JSON.stringify(value)}; give true or false`);
}

/** A decoded request: the runtime's feeds and the outputs to compute, each as JSON or binary. */
export interface DecodedRequest {
  readonly feeds: Record<string, WireTensor>;
  readonly outputs: readonly string[];
  /** The outputs to answer as binary data. */
  readonly binaryOutputs: ReadonlySet<string>;
  /** Whether any input or output goes as binary data. */
  readonly usesBinary: boolean;
}

/**
 * Checks a request against a model's signature: every input present once by
 * its declared name, datatype and shape, with as many values as the shape
 * holds; requested outputs among the model's. Each refusal names the tensor.
 * `tensorBytes` is what followed the JSON of a binary-extension body (empty
 * for a JSON body), shared among the inputs by their `binary_data_size`.
 * An output goes as binary when its `binary_data` says so, else when the
 * request's `binary_data_output` does; FP16, which JSON cannot carry, must.
 */
export function decodeRequest(
  request: OipInferRequest,
  tensorBytes: Uint8Array,
  signature: ModelSignature,
  modelName: string,
): DecodedRequest {
  const bytes = cutTensors(request.inputs, tensorBytes, "input");
  const feeds: Record<string, WireTensor> = {};
  request.inputs.forEach((input, i) => {
    const spec = signature.inputs.find((s) => s.name === input.name);
    if (spec === undefined) {
      throw bad(
        `input "${input.name}" is not an input of ${modelName}; its inputs are ${signature.inputs.map((s) => `"${s.name}"`).join(", ")}`,
      );
    }
    if (input.name in feeds) {
      throw bad(`input "${input.name}" is given twice; give each input once`);
    }
    feeds[input.name] = decodeInput(input, spec, bytes[i]);
  });
  const missing = signature.inputs.find((s) => !(s.name in feeds));
  if (missing !== undefined) {
    throw bad(
      `input "${missing.name}" is missing: ${modelName} reads ${missing.datatype} ${shapeText(missing.shape)}`,
    );
  }
  const allBinary =
    flag("parameters.binary_data_output", request.parameters?.binary_data_output) ?? false;
  const binaryOf = new Map<string, boolean>();
  const wanted = request.outputs ?? signature.outputs.map((s) => ({ name: s.name }));
  for (const o of wanted) {
    const spec = signature.outputs.find((s) => s.name === o.name);
    if (spec === undefined) {
      throw bad(
        `output "${o.name}" is not an output of ${modelName}; its outputs are ${signature.outputs.map((s) => `"${s.name}"`).join(", ")}`,
      );
    }
    const asked = flag(
      `output "${o.name}": parameters.binary_data`,
      "parameters" in o ? o.parameters?.binary_data : undefined,
    );
    const binary = asked ?? allBinary;
    if (spec.datatype === "FP16" && !binary) {
      throw bad(
        `output "${o.name}" is FP16, which has no JSON form; ask for it as binary data: "parameters": {"binary_data": true} on the output, or {"binary_data_output": true} on the request`,
      );
    }
    if (!binaryOf.has(o.name)) {
      binaryOf.set(o.name, binary);
    }
  }
  const binaryOutputs = new Set([...binaryOf].filter(([, b]) => b).map(([name]) => name));
  return {
    feeds,
    outputs: [...binaryOf.keys()],
    binaryOutputs,
    usesBinary: binaryOutputs.size > 0 || bytes.some((b) => b !== undefined),
  };
}

/**
 * The runtime's outputs as OIP tensors in the order asked for: flat and
 * row-major JSON, or for those in `binary` their binary form, returned in
 * `parts` in the same order for the body that follows the JSON.
 */
export function encodeOutputs(
  results: Readonly<Record<string, WireTensor>>,
  order: readonly string[],
  binary: ReadonlySet<string>,
): { outputs: OipOutput[]; parts: Uint8Array[] } {
  const parts: Uint8Array[] = [];
  const outputs = order.flatMap((name): OipOutput[] => {
    const t = results[name];
    const datatype = t === undefined ? null : oipDatatypeOf(t.type);
    if (t === undefined || datatype === null) {
      return [];
    }
    const shape = [...t.dims];
    if (binary.has(name)) {
      const bytes = tensorToBytes(t.data);
      parts.push(bytes);
      return [{ name, datatype, shape, parameters: { binary_data_size: bytes.length } }];
    }
    return [{ name, datatype, shape, data: jsonValues(datatype, t.data) }];
  });
  return { outputs, parts };
}
