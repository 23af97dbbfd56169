export {
  PII_TYPES,
  PiiError,
  type PiiFinding,
  type PiiType,
  type Table,
  type TablePiiFinding,
} from "./pii-types.js";
export { scanText, type ScanOptions } from "./scan-text.js";
export { countByType, scanCsv, scanRow, scanTable, type CsvScanResult } from "./scan-table.js";
export {
  scanTextStream,
  type TextFilePiiFinding,
  type TextScanResult,
} from "./scan-text-stream.js";
export { anonymizeTextStream } from "./anonymize-text-stream.js";
export { lineAlignedChunks, type TextSource } from "./text-chunks.js";
export { readCsvRows, readCsvTable, type CsvSource } from "./read-csv.js";
export { writeCsv } from "./write-csv.js";
export {
  ANONYMIZE_STRATEGIES,
  anonymizeText,
  applyReplacements,
  createReplacer,
  maskValue,
  type AnonymizeOptions,
  type AnonymizeStrategy,
  type AnonymizedText,
  type Replacer,
} from "./anonymize-text.js";
export {
  anonymizeCsv,
  anonymizeTable,
  type AnonymizeTableOptions,
  type AnonymizeTableReport,
  type ColumnRule,
} from "./anonymize-table.js";
export {
  generalizeDate,
  generalizeFinding,
  generalizeIpv4,
  generalizeIpv6,
  generalizeNumber,
  generalizePostcode,
  type DateGranularity,
} from "./generalize.js";
export {
  MIN_PSEUDONYM_KEY_BYTES,
  canonicalValue,
  createPseudonymizer,
  type Pseudonymizer,
} from "./pseudonymize.js";
export { cardBrand, isPaymentCard, luhnValid } from "./payment-card.js";
export { ibanLength, ibanRemainder, isIban } from "./iban.js";
export { isPrcId, prcIdCheckChar } from "./prc-id.js";
export { isUsSsn } from "./us-ssn.js";
export { isDateOfBirthColumn, parseDate, type DateParts } from "./parse-date.js";
export { canonicalIpv6 } from "./ip-address.js";
export {
  generateHardNegative,
  generatePiiCorpus,
  generatePiiValue,
  type CorpusOptions,
  type HardNegative,
  type HardNegativeKind,
  type LabelledSpan,
  type PiiCorpus,
} from "./generate-pii-corpus.js";
export { evaluateDetection, type TypeScore } from "./evaluate-detection.js";
