export {
  TOOLKIT_VERSION,
  evidenceHeader,
  writeEvidenceFile,
  type EvidenceHeader,
  type EvidenceKind,
} from "./evidence.js";
export { fileSha256 } from "./file-sha256.js";
export { writeJsonAtomically } from "./write-json-atomically.js";
