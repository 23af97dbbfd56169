/** The longest page path a sign-in returns to; longer ones are not pages of the hub. */
const MAX_NEXT_LENGTH = 2048;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * The page to send a browser to once it has signed in: `next` when it is a
 * path on this site, else `/`. `next` comes from a link anyone can write, so
 * a sign-in must never end on another site: `//evil.example` and `/\evil`
 * are read by browsers as other hosts, and an absolute URL is one.
 *
 * @example safeNextPath("/acme/bert?tab=files") // "/acme/bert?tab=files"
 * @example safeNextPath("//evil.example/") // "/"
 */
export function safeNextPath(next: string | undefined): string {
  if (
    next === undefined ||
    next.length > MAX_NEXT_LENGTH ||
    !next.startsWith("/") ||
    next.startsWith("//") ||
    next.startsWith("/\\") ||
    // Browsers drop tabs and newlines from URLs, which would turn "/\t/evil" into "//evil".
    CONTROL_CHARS.test(next)
  ) {
    return "/";
  }
  return next;
}
