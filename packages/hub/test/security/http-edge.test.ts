import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { createDraft, createModel, expectStatus, type ErrorBody } from "./support.js";

/** Longest any exchange may take before the test gives up on it. */
const GIVE_UP_MS = 20_000;

interface RawResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
  /** Whether the hub closed the connection (rather than the test giving up). */
  readonly closedByHub: boolean;
}

function parseResponse(text: string, closedByHub: boolean): RawResponse {
  const split = text.indexOf("\r\n\r\n");
  const head = split === -1 ? text : text.slice(0, split);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return {
    status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0),
    headers,
    body: split === -1 ? "" : text.slice(split + 4),
    closedByHub,
  };
}

/** What a raw connection sends: text to write, or milliseconds to pause. */
type Step = string | number;

/** An open connection to the hub that the test drives byte by byte. */
interface Connection {
  /** Writes the steps, pausing where asked, until the hub closes the connection. */
  send(steps: readonly Step[]): Promise<void>;
  /** The first complete response on the connection, or everything until it closed. */
  response(): Promise<RawResponse>;
  /** Everything the hub sent, once the connection is closed (by the hub, or the test giving up). */
  closed(): Promise<RawResponse>;
  close(): void;
}

function connect(hub: TestHub): Promise<Connection> {
  const url = new URL(hub.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let received = "";
    let closedByHub = false;
    let givenUp = false;
    const giveUp = setTimeout(() => {
      givenUp = true;
      socket.destroy();
    }, GIVE_UP_MS);
    const closed = new Promise<void>((done) => {
      socket.on("close", () => {
        clearTimeout(giveUp);
        closedByHub = !givenUp;
        done();
      });
    });
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
    });
    // A write after the hub closed the connection fails; the answer is what the test checks.
    socket.on("error", () => undefined);
    socket.on("connect", () => {
      socket.off("error", reject);
      resolve({
        async send(steps) {
          for (const step of steps) {
            if (socket.destroyed || socket.writableEnded) {
              return;
            }
            if (typeof step === "number") {
              await sleep(step);
            } else {
              socket.write(step);
            }
          }
        },
        async response() {
          // Bounded: GIVE_UP_MS closes the connection at the latest.
          while (!socket.destroyed) {
            const split = received.indexOf("\r\n\r\n");
            const length = /\r\ncontent-length: (\d+)/i.exec(received)?.[1];
            if (split !== -1 && length !== undefined && received.length >= split + 4 + +length) {
              return parseResponse(received, false);
            }
            await Promise.race([closed, sleep(20)]);
          }
          return parseResponse(received, closedByHub);
        },
        async closed() {
          await closed;
          return parseResponse(received, closedByHub);
        },
        close() {
          socket.destroy();
        },
      });
    });
    socket.once("error", reject);
  });
}

/** Opens a connection, sends `steps` and returns the answer once the connection is closed. */
async function exchange(hub: TestHub, steps: readonly Step[]): Promise<RawResponse> {
  const connection = await connect(hub);
  await connection.send(steps);
  return connection.closed();
}

/** Asserts a refusal in the hub's error shape, and returns its body. */
function expectRawError(res: RawResponse, status: number, code: string, why: RegExp): ErrorBody {
  assert.equal(res.status, status, res.body);
  const body = JSON.parse(res.body) as ErrorBody;
  assert.equal(body.code, code);
  assert.match(body.error, why);
  assert.equal(res.headers.get("x-error-code"), code);
  assert.match(res.headers.get("x-error-message") ?? "", why);
  assert.ok(body.requestId.length > 0);
  assert.equal(res.headers.get("x-request-id"), body.requestId);
  return body;
}

const request = (method: string, urlPath: string, headers: Record<string, string>): string =>
  [
    `${method} ${urlPath} HTTP/1.1`,
    "Host: hub.test",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    "",
    "",
  ].join("\r\n");

async function stagingFiles(hub: TestHub): Promise<string[]> {
  return readdir(path.join(hub.config.blobs.dir, "tmp"));
}

/** Waits (bounded) until no upload is being staged. */
async function noStagingLeft(hub: TestHub): Promise<string[]> {
  let left = await stagingFiles(hub);
  for (let i = 0; i < 400 && left.length > 0; i += 1) {
    await sleep(25);
    left = await stagingFiles(hub);
  }
  return left;
}

for (const dialect of DIALECTS) {
  describe(`slow requests are cut off with 408 (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    before(async () => {
      hub = await startHub(dialect, {
        GATEHOUSE_BODY_IDLE_TIMEOUT: "2",
        GATEHOUSE_REQUEST_TIMEOUT: "1",
      });
      alice = await hub.createUser("alice");
      await createModel(hub, alice, "alice/m", "private", {});
      await createDraft(hub, alice, "alice/m", "d");
    });
    after(() => hub.close());

    it("answers 408 to an upload that stops sending, closes it, and removes its staging file", async () => {
      const answer = await exchange(hub, [
        request("PUT", "/api/models/alice/m/versions/d/files/stalled.bin", {
          Authorization: `Bearer ${alice}`,
          "Content-Length": "1000000",
        }),
        "x".repeat(1000),
      ]);
      expectRawError(
        answer,
        408,
        "REQUEST_TIMEOUT",
        /^no byte of the request body arrived for 2 s; the connection is closed, send the request again$/,
      );
      assert.equal(answer.headers.get("connection"), "close");
      assert.ok(answer.closedByHub, "the hub closed the connection");
      assert.deepEqual(await noStagingLeft(hub), []);
      const files = await expectStatus(
        hub.request("GET", "/api/models/alice/m/versions/d", { token: alice }),
        200,
      );
      assert.doesNotMatch(await files.text(), /stalled\.bin/);
    });

    it("answers 408 to an anonymous request that announces a JSON body and sends one byte", async () => {
      const answer = await exchange(hub, [
        request("POST", "/api/models", {
          "Content-Type": "application/json",
          "Content-Length": "1000",
        }),
        "{",
      ]);
      // The shorter of the two timeouts, the whole-request one, is the first to cut it off.
      expectRawError(
        answer,
        408,
        "REQUEST_TIMEOUT",
        /^the request did not arrive whole within 1 s; send it faster or in smaller parts$/,
      );
      assert.ok(answer.closedByHub, "the hub closed the connection");
    });

    it("answers 408 to a JSON body that trickles in for longer than the request timeout", async () => {
      // A byte every 200 ms is never idle for 2 s, but 400 bytes would take 80 s.
      const trickle: Step[] = [
        request("POST", "/api/models", {
          Authorization: `Bearer ${alice}`,
          "Content-Type": "application/json",
          "Content-Length": "400",
        }),
      ];
      for (let i = 0; i < 400; i += 1) {
        trickle.push(" ", 200);
      }
      const connection = await connect(hub);
      void connection.send(trickle);
      const answer = await connection.closed();
      expectRawError(
        answer,
        408,
        "REQUEST_TIMEOUT",
        /^the request did not arrive whole within 1 s; send it faster or in smaller parts$/,
      );
      assert.ok(answer.closedByHub, "the hub closed the connection");
    });

    it("lets an upload take longer than the request timeout while its bytes keep coming", async () => {
      const content = "slow but steady bytes";
      const steps: Step[] = [
        request("PUT", "/api/models/alice/m/versions/d/files/steady.txt", {
          Authorization: `Bearer ${alice}`,
          "Content-Length": String(content.length),
          Connection: "close",
        }),
      ];
      // 21 bytes 100 ms apart: over 2 s in all, never 2 s without a byte.
      for (const char of content) {
        steps.push(100, char);
      }
      const answer = await exchange(hub, steps);
      assert.equal(answer.status, 201, answer.body);
      assert.equal((JSON.parse(answer.body) as { size: number }).size, content.length);
    });

    it("answers 408 in the hub's error shape to headers that do not all arrive in time", async () => {
      const answer = await exchange(hub, [
        "GET /health HTTP/1.1\r\nHost: hub.test\r\n",
        "X-Slow: 1\r\n",
      ]);
      expectRawError(
        answer,
        408,
        "REQUEST_TIMEOUT",
        /^the request headers did not all arrive within 1 s; send them at once$/,
      );
      assert.ok(answer.closedByHub, "the hub closed the connection");
    });

    it("still serves a request that arrives whole on the same hub", async () => {
      await expectStatus(hub.request("GET", "/health"), 200);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`odd requests are answered in the hub's error shape (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    before(async () => {
      hub = await startHub(dialect);
      alice = await hub.createUser("alice");
      await createModel(hub, alice, "alice/m", "open", { "f.txt": "content" });
    });
    after(() => hub.close());

    const get = (urlPath: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
      exchange(hub, [request("GET", urlPath, { ...headers, Connection: "close" })]);

    for (const [what, first, second] of [
      ["a valid token, then another", "valid", "bad"],
      ["another, then a valid token", "bad", "valid"],
      ["the same valid token twice", "valid", "valid"],
      ["an empty one, then a valid token", "", "valid"],
    ] as const) {
      it(`answers 400 to two Authorization headers (${what}), not the first one's user`, async () => {
        const value = (which: "valid" | "bad" | ""): string =>
          which === "" ? "" : `Bearer ${which === "valid" ? alice : "hf_gth_not_a_token"}`;
        const answer = await exchange(hub, [
          [
            "GET /api/whoami-v2 HTTP/1.1",
            "Host: hub.test",
            `Authorization: ${value(first)}`,
            `authorization: ${value(second)}`,
            "Connection: close",
            "",
            "",
          ].join("\r\n"),
        ]);
        expectRawError(
          answer,
          400,
          "BAD_REQUEST",
          /^the request has 2 Authorization headers; send one, 'Authorization: Bearer <token>'$/,
        );
      });
    }

    for (const urlPath of [
      "/api/models/%FF/x",
      "/%FF/m/resolve/main/f.txt",
      "/alice/m/resolve/main/%E0%A4%A",
      "/api/models/alice/%C0%AF",
    ]) {
      it(`answers 400 to the malformed URL ${urlPath}`, async () => {
        expectRawError(
          await get(urlPath),
          400,
          "BAD_REQUEST",
          /^the URL path has a malformed percent-encoding \(such as %FF, which is not UTF-8\); encode each character as UTF-8 bytes, %XX each$/,
        );
      });
    }

    for (const length of [101, 128]) {
      it(`looks up a revision of ${length} characters like any other`, async () => {
        const revision = "r".repeat(length);
        for (const urlPath of [
          `/api/models/alice/m/revision/${revision}`,
          `/alice/m/resolve/${revision}/f.txt`,
        ]) {
          const answer = await get(urlPath);
          assert.equal(answer.status, 404, answer.body);
          assert.equal(answer.headers.get("x-error-code"), "RevisionNotFound");
        }
      });
    }

    for (const [what, urlPath, length] of [
      ["a revision of 129 characters", `/api/models/alice/m/revision/${"r".repeat(129)}`, 129],
      ["a revision of 129 characters", `/alice/m/resolve/${"r".repeat(129)}/f.txt`, 129],
      ["a revision of 5000 characters", `/alice/m/resolve/${"r".repeat(5000)}/f.txt`, 5000],
      ["a namespace of 200 characters", `/api/models/${"n".repeat(200)}/m`, 200],
      ["a name of 300 encoded characters", `/api/models/alice/${"%41".repeat(300)}`, 300],
    ] as const) {
      it(`answers 400 to ${what} in ${urlPath.slice(0, 30)}…, naming the limit`, async () => {
        const body = expectRawError(
          await get(urlPath),
          400,
          "BAD_REQUEST",
          /is longer than 128 characters; a name has at most 96 and a revision at most 128$/,
        );
        assert.ok(body.error.includes(`(${length} characters)`), body.error);
      });
    }

    it("answers 400 in the hub's error shape to bytes that are not HTTP", async () => {
      const answer = await exchange(hub, ["HELLO hub\r\n\r\n"]);
      expectRawError(
        answer,
        400,
        "BAD_REQUEST",
        /^the request is not valid HTTP\/1\.1 \(HPE_INVALID_METHOD\); check the client$/,
      );
      assert.ok(answer.closedByHub, "the hub closed the connection");
    });

    it("answers 431 in the hub's error shape to headers over 16 KiB", async () => {
      const answer = await exchange(hub, [
        request("GET", "/health", { "X-Padding": "p".repeat(20_000) }),
      ]);
      expectRawError(
        answer,
        431,
        "BAD_REQUEST",
        /^the request headers are larger than 16 KiB; send fewer or shorter ones$/,
      );
    });
  });
}

describe("connections per client address", () => {
  const health = request("GET", "/health", {});

  describe("over the cap", () => {
    let hub: TestHub;
    before(async () => {
      hub = await startHub("sqlite", { GATEHOUSE_CONNECTIONS_PER_ADDRESS: "2" });
    });
    after(() => hub.close());

    it("answers 429 TOO_MANY_CONNECTIONS on a connection over the cap, closes it, and serves again under the cap", async () => {
      const held = [await connect(hub), await connect(hub)];
      try {
        for (const connection of held) {
          // A whole answer on each: the hub has counted both.
          await connection.send([health]);
          assert.equal((await connection.response()).status, 200);
        }
        const refused = await exchange(hub, [health]);
        expectRawError(
          refused,
          429,
          "TOO_MANY_CONNECTIONS",
          /^this address has more than 2 connections open to the hub; reuse connections \(keep-alive\) or close some, then try again$/,
        );
        assert.equal(refused.headers.get("retry-after"), "1");
        assert.equal(refused.headers.get("connection"), "close");
        assert.ok(refused.closedByHub, "the hub closed the connection");

        held.pop()?.close();
        // The hub hears of the close asynchronously: try (bounded) until it has.
        let status = 0;
        for (let i = 0; i < 200 && status !== 200; i += 1) {
          status = (await exchange(hub, [request("GET", "/health", { Connection: "close" })]))
            .status;
          if (status !== 200) {
            await sleep(25);
          }
        }
        assert.equal(status, 200);
      } finally {
        for (const connection of held) {
          connection.close();
        }
      }
    });
  });

  describe("from a trusted proxy", () => {
    let hub: TestHub;
    before(async () => {
      hub = await startHub("sqlite", {
        GATEHOUSE_CONNECTIONS_PER_ADDRESS: "1",
        GATEHOUSE_TRUST_PROXY: "127.0.0.0/8",
      });
    });
    after(() => hub.close());

    it("does not count connections from a trusted proxy, which carry everyone's requests", async () => {
      const held = [await connect(hub), await connect(hub), await connect(hub)];
      try {
        for (const connection of held) {
          await connection.send([health]);
          assert.equal((await connection.response()).status, 200);
        }
      } finally {
        for (const connection of held) {
          connection.close();
        }
      }
    });
  });
});
