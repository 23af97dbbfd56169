export {
  assertFilePath,
  assertModelName,
  assertNamespaceName,
  assertVersionName,
  asciiLower,
  nameKey,
} from "./names.js";
