import type { OnnxActivation, OnnxDenseLayer } from "./export-spec.js";
import { TensorProto_DataType } from "./gen/onnx/onnx_pb.js";
import type { NodeProto, TensorProto, ValueInfoProto } from "./gen/onnx/onnx_pb.js";
import { ONNX_TENSOR_NAMES } from "./onnx-format.js";
import { floatTensor, intAttribute, node, tensorValueInfo } from "./proto-builders.js";

/** Symbolic name of the batch dimension of every exported graph. */
export const BATCH = "N";

/** Nodes and initializers of a graph under construction. */
export interface GraphParts {
  nodes: NodeProto[];
  initializers: TensorProto[];
}

const ACTIVATION_OPS: Record<Exclude<OnnxActivation, "linear">, string> = {
  relu: "Relu",
  sigmoid: "Sigmoid",
  softmax: "Softmax",
};

/** Emits dense layers reading `input` (`[N, layers[0].inputSize]`); the last one's output gets `lastName`. */
export function addLayers(
  layers: readonly OnnxDenseLayer[],
  input: string,
  lastName: string,
  parts: GraphParts,
): void {
  let current = input;
  layers.forEach((layer, i) => {
    const isLast = i === layers.length - 1;
    const weight = `layer${i}_weight`;
    const bias = `layer${i}_bias`;
    parts.initializers.push(
      floatTensor(weight, [layer.inputSize, layer.outputSize], layer.weights),
    );
    parts.initializers.push(floatTensor(bias, [layer.outputSize], layer.bias));
    const affine = isLast && layer.activation === "linear" ? lastName : `layer${i}_affine`;
    parts.nodes.push(node("Gemm", [current, weight, bias], [affine]));
    if (layer.activation === "linear") {
      current = affine;
      return;
    }
    const activated = isLast ? lastName : `layer${i}_${layer.activation}`;
    parts.nodes.push(
      node(
        ACTIVATION_OPS[layer.activation],
        [affine],
        [activated],
        layer.activation === "softmax" ? [intAttribute("axis", 1)] : [],
      ),
    );
    current = activated;
  });
}

/**
 * Emits the layers and the classifier outputs `probabilities` `[N, classCount]` and `label`
 * (int64 `[N]`); returns the graph outputs.
 */
export function addClassifierHead(
  layers: readonly OnnxDenseLayer[],
  classCount: number,
  input: string,
  parts: GraphParts,
): ValueInfoProto[] {
  const last = layers[layers.length - 1];
  if (last?.outputSize === 1) {
    // A single sigmoid unit gives P(second class); report both columns, as predict_proba does.
    addLayers(layers, input, "positive_probability", parts);
    parts.initializers.push(floatTensor("one", [], [1]));
    parts.nodes.push(node("Sub", ["one", "positive_probability"], ["negative_probability"]));
    parts.nodes.push(
      node(
        "Concat",
        ["negative_probability", "positive_probability"],
        [ONNX_TENSOR_NAMES.probabilities],
        [intAttribute("axis", 1)],
      ),
    );
  } else {
    addLayers(layers, input, ONNX_TENSOR_NAMES.probabilities, parts);
  }
  parts.nodes.push(
    node(
      "ArgMax",
      [ONNX_TENSOR_NAMES.probabilities],
      [ONNX_TENSOR_NAMES.label],
      [intAttribute("axis", 1), intAttribute("keepdims", 0)],
    ),
  );
  return [
    tensorValueInfo(ONNX_TENSOR_NAMES.probabilities, TensorProto_DataType.FLOAT, [
      BATCH,
      classCount,
    ]),
    tensorValueInfo(ONNX_TENSOR_NAMES.label, TensorProto_DataType.INT64, [BATCH]),
  ];
}
