import { catalogueKeys } from "./catalogue.js";

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known keys closest to an unknown one (edit distance, ignoring case),
 * nearest first, ties in alphabetical order.
 */
export function suggestIds(unknown: string, count = 3): string[] {
  const wanted = unknown.toLowerCase();
  return catalogueKeys()
    .map((key) => ({ key, d: distance(wanted, key.toLowerCase()) }))
    .sort((x, y) => x.d - y.d || x.key.localeCompare(y.key))
    .slice(0, count)
    .map((x) => x.key);
}
