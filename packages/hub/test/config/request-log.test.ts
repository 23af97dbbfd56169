import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

/** The built server, started as `npm start` starts it. */
const MAIN = path.resolve(import.meta.dirname, "../../dist/main.js");

/** What a request carries that must never reach the log. */
const SECRETS = {
  token: `hf_gth_never_logged_${"t".repeat(24)}`,
  cookie: "session=never-logged-cookie",
  signature: "never-logged-signature",
};

/** A started hub and everything it has written to its stdout so far. */
interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** Waits (at most 60 s) until the output holds `text`. */
  waitFor(text: string): Promise<void>;
  stop(): Promise<void>;
}

/** ANSI colours and the carriage returns a terminal adds, which the line checks do not care for. */
const plain = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/\u001b\[[0-9;]*m/g, "").replace(/\r/g, "");

/**
 * Starts the hub on port 0 and waits until it says where it listens. With
 * `terminal`, it runs under `script`, which gives it a pseudo-terminal as
 * stdout, as a person running `npm start` has; otherwise its stdout is a pipe.
 */
async function startHub(
  dataDir: string,
  terminal: boolean,
  extraEnv: Record<string, string> = {},
): Promise<Running> {
  const env = {
    PATH: process.env.PATH ?? "",
    GATEHOUSE_DATA_DIR: dataDir,
    TERM: "xterm",
    ...extraEnv,
  };
  const command = [process.execPath, MAIN, "--port", "0"];
  const child = terminal
    ? spawn("script", ["-qfec", command.map((a) => `'${a}'`).join(" "), "/dev/null"], {
        env,
        stdio: ["pipe", "pipe", "pipe"],
        // Its own process group, so that stopping it stops the hub under `script` too.
        detached: true,
      })
    : spawn(command[0] ?? "node", command.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString("utf8");
    for (const check of waiters) {
      check();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      resolve();
    });
  });
  const waitFor = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (plain(output).includes(text)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no "${text}" from the hub within 60 s:\n${output}`));
      }, 60_000);
      waiters.add(check);
      check();
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      if (terminal) {
        process.kill(-child.pid, "SIGTERM");
      } else {
        child.kill("SIGTERM");
      }
    }
    await exited;
  };
  try {
    await waitFor("Gatehouse is listening on ");
  } catch (err) {
    await stop();
    throw err;
  }
  const url = /Gatehouse is listening on (\S+)/.exec(plain(output))?.[1] ?? "";
  return { child, url, output: () => output, waitFor, stop };
}

/** A request with every secret a log must not show: a token, a cookie, a signature in the URL. */
async function probe(hub: Running, requestId: string): Promise<Response> {
  return fetch(`${hub.url}/api/models?search=bert&sig=${SECRETS.signature}`, {
    headers: {
      authorization: `Bearer ${SECRETS.token}`,
      cookie: SECRETS.cookie,
      "x-request-id": requestId,
    },
  });
}

function assertNoSecret(output: string): void {
  for (const [what, secret] of Object.entries(SECRETS)) {
    assert.ok(!output.includes(secret), `the log shows the ${what}:\n${output}`);
  }
}

describe("the request log of the started hub", () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "gatehouse-log-"));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it("writes one JSON line per request when stdout is a pipe, with time, method, URL, status, duration and request id", async () => {
    const hub = await startHub(path.join(dataDir, "pipe"), false);
    try {
      const res = await probe(hub, "log-probe-pipe");
      assert.equal(res.status, 401, await res.text());
      await hub.waitFor('"reqId":"log-probe-pipe"');
      const lines = hub
        .output()
        .split("\n")
        .filter((l) => l.includes("log-probe-pipe"));
      assert.equal(lines.length, 1, lines.join("\n"));
      const line = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
      assert.deepEqual(
        { ...line, time: undefined, pid: undefined, hostname: undefined, responseTime: undefined },
        {
          level: 30,
          time: undefined,
          pid: undefined,
          hostname: undefined,
          reqId: "log-probe-pipe",
          method: "GET",
          url: "/api/models?search=bert&sig=%5Bredacted%5D",
          statusCode: 401,
          responseTime: undefined,
          msg: "request completed",
        },
      );
      assert.match(String(line.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(typeof line.responseTime, "number");
      assertNoSecret(hub.output());
    } finally {
      await hub.stop();
    }
  });

  it("writes one readable line per request when stdout is a terminal", async () => {
    const hub = await startHub(path.join(dataDir, "terminal"), true);
    try {
      const res = await probe(hub, "log-probe-tty");
      assert.equal(res.status, 401, await res.text());
      await hub.waitFor("(log-probe-tty)");
      const lines = plain(hub.output())
        .split("\n")
        .filter((l) => l.includes("log-probe-tty"));
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(
        lines[0] ?? "",
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/api\/models\?search=bert&sig=%5Bredacted%5D 401 \d+(\.\d)? ms \(log-probe-tty\)$/,
      );
      assert.ok(!plain(hub.output()).includes('"msg"'), "a JSON line reached the terminal");
      assertNoSecret(hub.output());
    } finally {
      await hub.stop();
    }
  });

  it("never writes a password, a session cookie or a CSRF token, whether the sign-in is right or wrong", async () => {
    const password = "never-logged admin password";
    const hub = await startHub(path.join(dataDir, "session"), false, {
      GATEHOUSE_ADMIN_PASSWORD: password,
    });
    try {
      const post = (body: unknown, requestId: string): Promise<Response> =>
        fetch(`${hub.url}/api/session`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-request-id": requestId },
          body: JSON.stringify(body),
        });
      const wrong = await post({ username: "admin", password: `${password}!` }, "log-sign-in-bad");
      assert.equal(wrong.status, 401, await wrong.text());
      const right = await post({ username: "admin", password }, "log-sign-in-ok");
      assert.equal(right.status, 200);
      const { csrfToken } = (await right.json()) as { csrfToken: string };
      const cookies = right.headers.getSetCookie().map((c) => c.split(";")[0] ?? "");
      const out = await fetch(`${hub.url}/api/session`, {
        method: "DELETE",
        headers: {
          cookie: cookies.join("; "),
          "x-csrf-token": csrfToken,
          "x-request-id": "log-sign-out",
        },
      });
      assert.equal(out.status, 204);
      await hub.waitFor('"reqId":"log-sign-out"');
      const output = hub.output();
      assert.equal(output.split("\n").filter((l) => l.includes('"reqId":"log-sign-')).length, 3);
      for (const secret of [password, csrfToken, ...cookies.map((c) => c.split("=")[1] ?? "")]) {
        assert.ok(
          secret.length > 10 && !output.includes(secret),
          `the log shows a secret:\n${output}`,
        );
      }
    } finally {
      await hub.stop();
    }
  });

  it("never writes a signed URL's signature, whether the download is served or refused", async () => {
    const admin = `hf_gth_log_admin_${"a".repeat(24)}`;
    const hub = await startHub(path.join(dataDir, "signed"), false, {
      GATEHOUSE_ADMIN_TOKEN: admin,
      GATEHOUSE_DEFAULT_POLICY: "false",
    });
    try {
      const call = (method: string, url: string, body?: string): Promise<Response> =>
        fetch(`${hub.url}${url}`, {
          method,
          headers: {
            authorization: `Bearer ${admin}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          ...(body === undefined ? {} : { body }),
        });
      const steps: [string, string, string | undefined][] = [
        ["POST", "/api/models", JSON.stringify({ id: "admin/open", visibility: "open" })],
        ["POST", "/api/models/admin/open/versions", JSON.stringify({ name: "v1" })],
        ["PUT", "/api/models/admin/open/versions/v1/files/weights.bin", "weights"],
        ["POST", "/api/models/admin/open/versions/v1/publish", undefined],
      ];
      for (const [method, url, body] of steps) {
        const res = await call(method, url, body);
        assert.ok(res.ok, `${method} ${url}: ${res.status} ${await res.text()}`);
      }
      const res = await call(
        "POST",
        "/api/models/admin/open/signed-urls",
        JSON.stringify({ revision: "v1", path: "weights.bin", expiresIn: "1h" }),
      );
      const { url } = (await res.json()) as { url: string };
      const sig = new URL(url).searchParams.get("sig") ?? "";
      assert.ok(sig.length >= 43, url);
      const served = await fetch(url, { headers: { "x-request-id": "log-signed-ok" } });
      assert.equal(await served.text(), "weights");
      const tampered = await fetch(url.replace("expires=", "expires=1"), {
        headers: { "x-request-id": "log-signed-bad" },
      });
      assert.equal(tampered.status, 403);
      // A served download is logged when its stream ends, which may be after the refusal's line.
      await hub.waitFor('"reqId":"log-signed-bad"');
      await hub.waitFor('"reqId":"log-signed-ok"');
      const lines = hub
        .output()
        .split("\n")
        .filter((l) => l.includes("log-signed-"));
      assert.equal(lines.length, 2, lines.join("\n"));
      for (const line of lines) {
        assert.match(
          line,
          /"url":"\/admin\/open\/resolve\/[0-9a-f]{40}\/weights\.bin\?expires=\d+&grantee=\w+&key=\w+&sig=%5Bredacted%5D"/,
        );
      }
      assert.ok(!hub.output().includes(sig), `the log shows the signature:\n${hub.output()}`);
    } finally {
      await hub.stop();
    }
  });
});
