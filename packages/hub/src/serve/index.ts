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
export { findServedVersion, type Callable } from "./find-callable.js";
export { isDecoder } from "./decoder-signature.js";
export { GenerationPool, type Generation } from "./generation-pool.js";
export { allServed, batchingOf, type ServedVersion, type Upstream } from "./served-versions.js";
export { queueFull } from "./worker-pool.js";
export { type Caller, type Limited } from "./infer.js";
