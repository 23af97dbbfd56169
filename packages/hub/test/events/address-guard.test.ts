import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { internalAddressKind, NodeWebhookClient } from "../../src/events/index.js";
import { Receiver } from "./receiver.js";

describe("the addresses a webhook may not reach", () => {
  it("names loopback, private, link-local and unique-local addresses, IPv4 and IPv6, and passes public ones", () => {
    const cases: [string, string | null][] = [
      ["127.0.0.1", "loopback"],
      ["127.255.0.9", "loopback"],
      ["10.1.2.3", "private"],
      ["172.16.0.1", "private"],
      ["172.31.255.255", "private"],
      ["192.168.1.1", "private"],
      ["169.254.169.254", "link-local"],
      ["100.64.0.1", "shared (carrier-grade NAT)"],
      ["0.0.0.0", "unspecified"],
      ["224.0.0.1", "multicast"],
      ["::1", "loopback"],
      ["::", "unspecified"],
      ["fe80::1", "link-local"],
      ["fd12:3456::1", "unique-local"],
      ["fc00::1", "unique-local"],
      ["::ffff:127.0.0.1", "loopback"],
      ["::ffff:10.0.0.1", "private"],
      ["64:ff9b::7f00:1", "NAT64"],
      ["8.8.8.8", null],
      ["172.32.0.1", null],
      ["1.1.1.1", null],
      ["2001:4860:4860::8888", null],
      ["::ffff:8.8.8.8", null],
    ];
    for (const [address, kind] of cases) {
      assert.equal(internalAddressKind(address), kind, address);
    }
  });
});

describe("the real webhook client refuses internal addresses as it connects", () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await Receiver.start();
  });
  after(() => receiver.close());

  const port = () => new URL(receiver.url).port;
  const post = (client: NodeWebhookClient, url: string) =>
    client.post({ url, headers: { "content-type": "application/json" }, body: "{}" });

  it("refuses an internal IP address and a name that resolves to one, and sends nothing", async () => {
    const client = new NodeWebhookClient({ timeoutMs: 2000, allowInternal: false });
    await assert.rejects(post(client, receiver.url), /refused: 127\.0\.0\.1 is a loopback address/);
    await assert.rejects(
      post(client, `http://[::ffff:127.0.0.1]:${port()}/hook`),
      /refused: ::ffff:7f00:1 is a loopback address/,
    );
    // A name checked as the socket connects: what it resolves to now is what counts.
    await assert.rejects(
      post(client, `http://localhost:${port()}/hook`),
      /refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
    );
    assert.equal(receiver.received.length, 0);
  });

  it("reaches them when the operator allows it, and reports the answer's status", async () => {
    const client = new NodeWebhookClient({ timeoutMs: 2000, allowInternal: true });
    receiver.willAnswer(204, 302);
    assert.deepEqual(await post(client, `http://localhost:${port()}/hook`), { status: 204 });
    assert.deepEqual(await post(client, receiver.url), { status: 302 });
    assert.equal(receiver.received.length, 2);
  });
});
