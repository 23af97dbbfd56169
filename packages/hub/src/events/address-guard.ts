import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { HubError } from "../errors/index.js";

/**
 * Addresses a webhook may not reach unless the operator allows it: a
 * subscriber chooses the URL, and the hub must not become their way into the
 * network it runs in (server-side request forgery). IPv4-mapped IPv6
 * addresses are checked as the IPv4 address they hold.
 */
const INTERNAL: ReadonlyArray<readonly [string, number, "ipv4" | "ipv6", string]> = [
  ["0.0.0.0", 8, "ipv4", "unspecified"],
  ["10.0.0.0", 8, "ipv4", "private"],
  ["100.64.0.0", 10, "ipv4", "shared (carrier-grade NAT)"],
  ["127.0.0.0", 8, "ipv4", "loopback"],
  ["169.254.0.0", 16, "ipv4", "link-local"],
  ["172.16.0.0", 12, "ipv4", "private"],
  ["192.0.0.0", 24, "ipv4", "IETF protocol assignment"],
  ["192.168.0.0", 16, "ipv4", "private"],
  ["198.18.0.0", 15, "ipv4", "benchmarking"],
  ["224.0.0.0", 4, "ipv4", "multicast"],
  ["240.0.0.0", 4, "ipv4", "reserved"],
  ["::", 128, "ipv6", "unspecified"],
  ["::1", 128, "ipv6", "loopback"],
  // NAT64 and 6to4 addresses carry an IPv4 address, which may be an internal one.
  ["64:ff9b::", 96, "ipv6", "NAT64"],
  ["64:ff9b:1::", 48, "ipv6", "NAT64"],
  ["2002::", 16, "ipv6", "6to4"],
  ["fc00::", 7, "ipv6", "unique-local"],
  ["fe80::", 10, "ipv6", "link-local"],
  ["fec0::", 10, "ipv6", "site-local"],
  ["ff00::", 8, "ipv6", "multicast"],
];

const lists = INTERNAL.map(([network, prefix, family, kind]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, kind };
});

/**
 * What kind of internal address `address` is (`loopback`, `private`, …), or
 * null for a public one. `address` is an IPv4 or IPv6 address without brackets.
 */
export function internalAddressKind(address: string): string | null {
  const family = isIP(address);
  if (family === 0) {
    return "not an IP address";
  }
  const type = family === 4 ? "ipv4" : "ipv6";
  return lists.find(({ list }) => list.check(address, type))?.kind ?? null;
}

/** The host of a URL as name resolution takes it: IPv6 literals lose their brackets. */
export const bareHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * Checks a webhook URL when it is given: absolute http(s), and, unless
 * internal addresses are allowed, a host that is not and does not resolve to
 * one. Delivery checks the addresses again as it connects (a name may
 * resolve elsewhere by then). Throws a 400 naming the `url` field.
 */
export async function checkWebhookUrl(raw: string, allowInternal: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HubError("BAD_REQUEST", `url "${raw}" is not an absolute URL`, { field: "url" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HubError(
      "BAD_REQUEST",
      `url must be http:// or https://, not ${url.protocol}//; webhooks are HTTP POST requests`,
      { field: "url" },
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new HubError(
      "BAD_REQUEST",
      "url may not hold a user name or password; the receiver verifies the signature instead",
      { field: "url" },
    );
  }
  if (allowInternal) {
    return url.href;
  }
  const host = bareHost(url);
  const addresses =
    isIP(host) === 0
      ? await lookup(host, { all: true }).then(
          (found) => found.map((a) => a.address),
          () => {
            throw new HubError(
              "BAD_REQUEST",
              `url host "${host}" does not resolve; give a host name that does`,
              { field: "url" },
            );
          },
        )
      : [host];
  for (const address of addresses) {
    const kind = internalAddressKind(address);
    if (kind !== null) {
      throw new HubError(
        "BAD_REQUEST",
        `url host "${host}" ${address === host ? "is" : `resolves to ${address},`} a ${kind} address; webhooks go to public addresses only unless the hub's operator sets GATEHOUSE_WEBHOOK_ALLOW_PRIVATE`,
        { field: "url" },
      );
    }
  }
  return url.href;
}
