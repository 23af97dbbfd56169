import { isIP } from "node:net";

/** The eight 16-bit groups of an IPv6 address (with "::" expanded and an IPv4 tail converted). */
export function ipv6Groups(address: string): number[] {
  if (isIP(address) !== 6) {
    throw new RangeError(`"${address}" is not an IPv6 address`);
  }
  let text = address;
  const v4 = /(?:^|:)([0-9]{1,3}(?:\.[0-9]{1,3}){3})$/.exec(text);
  if (v4 !== null) {
    const o = (v4[1] ?? "").split(".").map(Number);
    const hi = ((o[0] ?? 0) << 8) | (o[1] ?? 0);
    const lo = ((o[2] ?? 0) << 8) | (o[3] ?? 0);
    text = `${text.slice(0, text.length - (v4[1] ?? "").length)}${hi.toString(16)}:${lo.toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string): number[] =>
    part === "" ? [] : part.split(":").map((g) => parseInt(g, 16));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/**
 * Text of eight groups as RFC 5952 section 4 writes them: lower case, no leading
 * zeros, the longest run of two or more zero groups as "::" (an IPv4 tail stays hex).
 */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) {
      j++;
    }
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) {
    return hex.join(":");
  }
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** One canonical text per IPv6 address (see formatIpv6), so that equal addresses compare equal. */
export function canonicalIpv6(address: string): string {
  return formatIpv6(ipv6Groups(address));
}
