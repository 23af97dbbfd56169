/**
 * The Open Inference Protocol names a model with one path segment; a hub
 * model is `namespace/name`. The segment is `namespace--name`: neither part
 * may contain `--` or end with `-` (names/names.ts, the Hugging Face Hub's
 * rule), so the first `--` always splits the segment back unambiguously. The
 * Hugging Face cache names repositories the same way (`models--ns--name`).
 *
 * @example oipModelName("acme", "iris") // "acme--iris"
 */
export function oipModelName(namespace: string, name: string): string {
  return `${namespace}--${name}`;
}

/** The namespace and name an OIP model segment stands for, or null when it has no `--`. */
export function parseOipModelName(segment: string): { namespace: string; name: string } | null {
  const at = segment.indexOf("--");
  if (at <= 0 || at + 2 >= segment.length) {
    return null;
  }
  return { namespace: segment.slice(0, at), name: segment.slice(at + 2) };
}
