import { BlockList, isIPv6 } from "node:net";
import { unmappedAddress } from "../limits/index.js";

/**
 * Whether a connection's address is one of the trusted proxies (the entries of
 * GATEHOUSE_TRUST_PROXY, already validated by the configuration): the same list
 * Fastify's `trustProxy` believes X-Forwarded-For from.
 */
export function proxyMatcher(entries: readonly string[]): (address: string) => boolean {
  if (entries.length === 0) {
    return () => false;
  }
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const type = isIPv6(address) ? "ipv6" : "ipv4";
    if (prefix === undefined) {
      list.addAddress(address, type);
    } else {
      list.addSubnet(address, Number(prefix), type);
    }
  }
  return (address) => {
    // Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d.
    const plain = unmappedAddress(address);
    return list.check(plain, isIPv6(plain) ? "ipv6" : "ipv4");
  };
}
