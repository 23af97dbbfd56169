import type { GraphParts } from "./dense-head.js";
import type { OnnxLstm } from "./export-spec.js";
import { floatTensor, int64Tensor, intAttribute, intsAttribute, node } from "./proto-builders.js";

// ONNX stacks the gates as input, output, forget, cell; Keras as input, forget, cell, output.
// Entry g is the Keras block of ONNX gate g.
const KERAS_GATE_OF_ONNX_GATE = [0, 3, 1, 2] as const;

/**
 * Turns a Keras `rows × 4·units` matrix (gate blocks side by side) into ONNX's
 * `4·units × rows` layout (gate blocks stacked, each transposed).
 */
function onnxGateMatrix(keras: ArrayLike<number>, rows: number, units: number): Float32Array {
  const out = new Float32Array(4 * units * rows);
  KERAS_GATE_OF_ONNX_GATE.forEach((kerasGate, g) => {
    for (let u = 0; u < units; u++) {
      for (let r = 0; r < rows; r++) {
        out[(g * units + u) * rows + r] = keras[r * 4 * units + kerasGate * units + u] ?? 0;
      }
    }
  });
  return out;
}

/**
 * Emits an ONNX `LSTM` over the `[N, L, inputSize]` tensor `input` and returns the name of its
 * last step's output `[N, units]`. Keras' single bias becomes ONNX's input bias `Wb`, with a
 * zero recurrent bias `Rb`, since ONNX adds the two.
 */
export function addLstm(lstm: OnnxLstm, input: string, parts: GraphParts): string {
  const { inputSize, units } = lstm;
  const bias = new Float32Array(8 * units);
  bias.set(onnxGateMatrix(lstm.bias, 1, units));
  parts.initializers.push(
    floatTensor("lstm_w", [1, 4 * units, inputSize], onnxGateMatrix(lstm.kernel, inputSize, units)),
    floatTensor(
      "lstm_r",
      [1, 4 * units, units],
      onnxGateMatrix(lstm.recurrentKernel, units, units),
    ),
    floatTensor("lstm_b", [1, 8 * units], bias),
    int64Tensor("lstm_direction_axis", [1], [0]),
  );
  parts.nodes.push(
    // onnxruntime's CPU LSTM takes only the time-major layout (layout = 0).
    node("Transpose", [input], ["time_major"], [intsAttribute("perm", [1, 0, 2])]),
    node(
      "LSTM",
      ["time_major", "lstm_w", "lstm_r", "lstm_b"],
      ["lstm_steps", "lstm_last_state"],
      [intAttribute("hidden_size", units)],
    ),
    node("Squeeze", ["lstm_last_state", "lstm_direction_axis"], ["lstm_last"]),
  );
  return "lstm_last";
}
