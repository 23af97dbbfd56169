import type { ByteRange } from "../blobs/index.js";

/**
 * Parses a single-range `Range` header (RFC 9110 §14.1.2) against a file of
 * `size` bytes: `bytes=a-b`, `bytes=a-`, `bytes=-n`. Returns null when the
 * header should be ignored (absent, not bytes, several ranges) and
 * "unsatisfiable" when no byte of the file is in range.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | null | "unsatisfiable" {
  if (header === undefined) {
    return null;
  }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) {
    return null;
  }
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") {
    return null;
  }
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) {
      return "unsatisfiable";
    }
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== "" && Number(last) < start)) {
    return "unsatisfiable";
  }
  return { start, end };
}
