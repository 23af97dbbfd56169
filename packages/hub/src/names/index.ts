export {
  assertFilePath,
  assertModelName,
  assertNamespaceName,
  assertVersionName,
} from "./names.js";
