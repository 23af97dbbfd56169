export {
  evidenceHeader,
  writeEvidenceFile,
  type EvidenceHeader,
  type EvidenceKind,
} from "./evidence.js";
