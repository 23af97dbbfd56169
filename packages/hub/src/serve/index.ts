export { ServingPools } from "./serving-pools.js";
export {
  BINARY_CONTENT_TYPE,
  HEADER_LENGTH_FIELD,
  cutTensors,
  joinBody,
  jsonValues,
  splitBody,
  tensorFromBytes,
  tensorToBytes,
} from "./binary-tensors.js";
export { tensorDataOf } from "./oip-tensors.js";
export { OIP_TO_ORT, type OipDatatype } from "./tensor-types.js";
