import { HubError } from "../errors/index.js";

const MAX_PATH_BYTES = 1000;
const SHOWN_CODE_POINTS = 80;

/** C0 and C1 control characters, DEL among them. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * The explicit bidirectional embeddings, overrides and isolates: they reorder
 * how a name is displayed, so `evil\u202Etxt.exe` reads as `evilexe.txt`
 * ("Trojan Source", CVE-2021-42574).
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;

/** A UTF-16 surrogate without its pair: no file system can store it as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Characters Windows refuses in a file name; ':' would also name an NTFS data stream. */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/u;

/**
 * Device names Windows reserves in every folder, with or without an extension
 * and trailing spaces (`nul.txt`, `COM1 .tar.gz`): the same list as Python's
 * `ntpath.isreserved`.
 */
const WINDOWS_DEVICES = new Set([
  "CON",
  "PRN",
  "AUX",
  "NUL",
  "CONIN$",
  "CONOUT$",
  ...["1", "2", "3", "4", "5", "6", "7", "8", "9", "\u00b9", "\u00b2", "\u00b3"].flatMap((n) => [
    `COM${n}`,
    `LPT${n}`,
  ]),
]);

/**
 * Code points that HFS+ ignores when it compares names, so `.g\u200Cit` opens
 * `.git` on macOS; the list git itself checks (`is_hfs_dotgit` in git's utf8.c).
 */
const HFS_IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/gu;

/**
 * Whether a segment names a git folder on some system: `.git` in any case, as
 * HFS+ sees it with its ignorable code points dropped, or as `git~1`, the
 * short name NTFS gives `.git` (git refuses the same names in its trees).
 */
function isGitFolder(segment: string): boolean {
  const lower = segment.replace(HFS_IGNORABLE, "").toLowerCase();
  return lower === ".git" || lower === "git~1";
}

/** `\uXXXX` (or `\u{XXXXX}`) for one code point, so a message shows it rather than obeys it. */
function escaped(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase();
  return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, "0")}`;
}

/** `U+XXXX` for the first character of `text` that `pattern` matches. */
function codePointIn(text: string, pattern: RegExp): string {
  const found = pattern.exec(text)?.[0] ?? "";
  return `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * `filePath` as a message may show it: cut to 80 characters, with control,
 * format (bidi among them), separator and lone surrogate code points written
 * as `\uXXXX`, so that the message itself cannot be reordered or hide text.
 */
export function showFilePath(filePath: string): string {
  const points = Array.from(filePath);
  const cut =
    points.length > SHOWN_CODE_POINTS
      ? `${points.slice(0, SHOWN_CODE_POINTS).join("")}…`
      : filePath;
  return cut.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, escaped);
}

/** The first rule a segment breaks, or null. */
function segmentProblem(segment: string): string | null {
  if (segment === "..") {
    return "has a '..' segment";
  }
  if (segment === "" || segment === ".") {
    return "has an empty or '.' segment";
  }
  if (isGitFolder(segment)) {
    return "has a '.git' segment (in any letter case, or a name macOS or Windows reads as '.git'); a git folder in a download can run commands";
  }
  const forbidden = WINDOWS_FORBIDDEN.exec(segment)?.[0];
  if (forbidden !== undefined) {
    return `contains '${forbidden}', which Windows does not allow in a file name`;
  }
  if (segment.endsWith(".") || segment.endsWith(" ")) {
    return "has a segment ending in a dot or a space, which Windows drops";
  }
  const device = (segment.split(".")[0] ?? "").trimEnd().toUpperCase();
  if (WINDOWS_DEVICES.has(device)) {
    return `has a segment named "${device}", a device name that Windows reserves (CON, PRN, AUX, NUL, COM1-9, LPT1-9) with or without an extension`;
  }
  return null;
}

/**
 * The first rule `filePath` breaks, worded to follow `file path "…"`, or null
 * when it is a path every client can write on Linux, macOS and Windows alike.
 * The hub checks every path it stores with it and `gatehouse pull` every path
 * a hub lists, so one rule decides both.
 *
 * @example
 * filePathProblem("weights/model.bin"); // null
 * filePathProblem(".git/config"); // "has a '.git' segment (…)"
 */
export function filePathProblem(filePath: string): string | null {
  if (filePath.length === 0) {
    return "is empty";
  }
  const bytes = Buffer.byteLength(filePath, "utf8");
  if (bytes > MAX_PATH_BYTES) {
    return `is ${bytes} bytes long; at most ${MAX_PATH_BYTES} are allowed`;
  }
  if (LONE_SURROGATE.test(filePath)) {
    return `is not valid Unicode: it holds the lone surrogate ${codePointIn(filePath, LONE_SURROGATE)}`;
  }
  if (CONTROL.test(filePath)) {
    return `contains the control character ${codePointIn(filePath, CONTROL)}`;
  }
  if (BIDI_CONTROL.test(filePath)) {
    return `contains the bidirectional control character ${codePointIn(filePath, BIDI_CONTROL)}, which can make a name display as another`;
  }
  if (filePath.includes("\\")) {
    return "contains a backslash; use '/' between folders";
  }
  if (filePath.startsWith("/")) {
    return "is absolute; give it relative to the model's root";
  }
  if (filePath.normalize("NFC") !== filePath) {
    return "is not in Unicode normal form C (NFC)";
  }
  for (const segment of filePath.split("/")) {
    const problem = segmentProblem(segment);
    if (problem !== null) {
      return problem;
    }
  }
  return null;
}

/**
 * Checks a file path inside a version with {@link filePathProblem}; a broken
 * rule is a 400 `INVALID_PATH` that shows the path and names the rule.
 */
export function assertFilePath(filePath: string): void {
  const problem = filePathProblem(filePath);
  if (problem !== null) {
    throw new HubError("INVALID_PATH", `file path "${showFilePath(filePath)}" ${problem}`);
  }
}
