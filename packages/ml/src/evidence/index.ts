export {
  TOOLKIT_VERSION,
  evidenceHeader,
  writeEvidenceFile,
  type EvidenceHeader,
  type EvidenceKind,
} from "./evidence.js";
