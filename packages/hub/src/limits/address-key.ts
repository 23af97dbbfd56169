import { isIPv4, isIPv6 } from "node:net";

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:10.0.0.1`), as dual-stack sockets report it. */
const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as the IPv4 address it stands for; others as they are. */
export function unmappedAddress(address: string): string {
  return MAPPED_IPV4.exec(address)?.[1] ?? address;
}

/** The first four groups of an IPv6 address, each as a number. */
function first64Bits(address: string): number[] {
  const [head = "", tail = ""] = address.split("::");
  const groups = (part: string): string[] => (part === "" ? [] : part.split(":"));
  let left = groups(head);
  let right = groups(tail);
  // An embedded IPv4 tail (64:ff9b::1.2.3.4) fills the last two groups.
  const last = right.length > 0 ? right[right.length - 1] : left[left.length - 1];
  if (last !== undefined && last.includes(".")) {
    if (right.length > 0) {
      right = [...right.slice(0, -1), "0", "0"];
    } else {
      left = [...left.slice(0, -1), "0", "0"];
    }
  }
  const missing = address.includes("::") ? 8 - left.length - right.length : 0;
  const all = [...left, ...Array<string>(missing).fill("0"), ...right];
  return all.slice(0, 4).map((g) => Number.parseInt(g, 16));
}

/**
 * The key a client address is limited by: an IPv4 address as it is, an IPv6
 * address by its /64 network, since one host or customer commonly holds a
 * whole /64 and could otherwise take a fresh address for every attempt.
 *
 * @example addressKey("2001:db8:1:2:a::1") === addressKey("2001:db8:1:2::ffff") // "2001:db8:1:2::/64"
 */
export function addressKey(address: string): string {
  const unmapped = unmappedAddress(address);
  if (unmapped !== address) {
    return unmapped;
  }
  const bare = address.split("%")[0] ?? address;
  if (isIPv4(bare) || !isIPv6(bare)) {
    return bare;
  }
  return `${first64Bits(bare)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}
