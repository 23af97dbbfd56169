export { assertFilePath, filePathProblem, showFilePath } from "./file-path.js";
export {
  assertModelName,
  assertNamespaceName,
  assertVersionName,
  asciiLower,
  nameKey,
} from "./names.js";
export { assertNoPathClash, pathClash, unsafePath, type PathClash } from "./path-clash.js";
export { oipModelName, parseOipModelName } from "./oip-model-name.js";
