export { csvDocument, csvRecord, spreadsheetSafe, type CsvCell } from "./csv.js";
