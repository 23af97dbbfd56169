import { csvDocument, spreadsheetSafe } from "../csv/index.js";
import type { AcceptanceView } from "./acceptances.js";

const HEADER = [
  "id",
  "user",
  "fullname",
  "email",
  "version",
  "licence",
  "licence_sha256",
  "accepted_at",
  "answers",
] as const;

/**
 * Licence acceptance records as CSV (RFC 4180), one acceptance per row, the
 * form's answers as a JSON object: what `GET …/access/acceptances?format=csv`
 * answers and `gatehouse access acceptances --csv` prints. Names and answers
 * are written by requesters, so a cell a spreadsheet would run as a formula is
 * defused.
 */
export function acceptancesCsv(list: readonly AcceptanceView[]): string {
  return csvDocument(
    HEADER,
    list.map((a) =>
      [
        a.id,
        a.user,
        a.fullname,
        a.email,
        a.version,
        a.licence,
        a.licenceSha256,
        a.acceptedAt,
        JSON.stringify(a.fields),
      ].map(spreadsheetSafe),
    ),
  );
}
