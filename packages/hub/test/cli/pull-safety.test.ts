import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { gatehouse, tempHome } from "./run-cli.js";

/**
 * A hostile hub: it lists a version whose file paths climb out of the target
 * folder, carry git metadata, or would not unpack as listed on every system.
 * The CLI must not trust a hub to choose what it writes where.
 */
describe("gatehouse pull against a hub that lists unsafe paths", () => {
  let server: http.Server;
  let url: string;
  let work: string;
  let home: { home: string; configDir: string };
  let requested: string[];
  let unsafePaths: string[] = [];
  const body = Buffer.from("escaped\n");
  const sha256 = createHash("sha256").update(body).digest("hex");

  before(async () => {
    requested = [];
    server = http.createServer((req, res) => {
      requested.push(req.url ?? "");
      if (req.url === "/api/models/evil/m/versions/v1") {
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            model: "evil/m",
            name: "v1",
            state: "published",
            sha: "a".repeat(40),
            createdAt: new Date().toISOString(),
            publishedAt: new Date().toISOString(),
            card: {},
            files: [
              { path: "ok.txt", sha256, size: body.length },
              ...unsafePaths.map((p) => ({ path: p, sha256, size: body.length })),
            ],
          }),
        );
        return;
      }
      res.end(body);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    work = await mkdtemp(path.join(tmpdir(), "gatehouse-cli-unsafe-"));
    home = await tempHome();
  });
  after(async () => {
    server.close();
    await rm(work, { recursive: true, force: true });
    await rm(home.home, { recursive: true, force: true });
  });

  for (const [bad, shown, why] of [
    [["../escape.txt"], "../escape.txt", /has a '\.\.' segment/],
    [["a/../../escape.txt"], "a/../../escape.txt", /has a '\.\.' segment/],
    [["/etc/escape.txt"], "/etc/escape.txt", /is absolute/],
    [["a\\..\\x"], "a\\..\\x", /contains a backslash/],
    [[".git/config"], ".git/config", /has a '\.git' segment/],
    [["sub/.GIT/hooks/x"], "sub/.GIT/hooks/x", /has a '\.git' segment/],
    [["nul.txt"], "nul.txt", /segment named "NUL", a device name that Windows reserves/],
    [["Com1.tar.gz"], "Com1.tar.gz", /segment named "COM1", a device name/],
    [
      ["evil\u202etxt.exe"],
      "evil\\u202Etxt.exe",
      /contains the bidirectional control character U\+202E/,
    ],
    [
      ["Model.bin", "model.bin"],
      'model.bin" that clashes with "Model.bin',
      /the two differ only in letter case/,
    ],
    [["A/x", "a/y"], 'a/y" that clashes with "A/x', /"a" and "A" differ only in letter case/],
  ] as const) {
    // The name shows a bidi character escaped, so the test report reads as written.
    const label = bad.map((b) => JSON.stringify(b).replace(/\u202e/g, "\\u202E")).join(" and ");
    it(`refuses ${label} before writing or downloading anything`, async () => {
      unsafePaths = [...bad];
      requested = [];
      const dest = path.join(work, "inner", "dest");
      const result = await gatehouse(["--hub", url, "pull", "evil/m@v1", dest], home);
      assert.equal(result.code, 1, result.stderr);
      assert.ok(
        result.stderr.includes(`error: the hub listed a file path "${shown}"`),
        result.stderr,
      );
      assert.match(result.stderr, why);
      assert.match(result.stderr, /nothing was written \(UNSAFE_PATH\)/);
      assert.doesNotMatch(result.stderr, /[\u202a-\u202e\u2066-\u2069]/);
      assert.deepEqual(requested, ["/api/models/evil/m/versions/v1"]);
      assert.deepEqual(await readdir(work).catch(() => []), []);
    });
  }
});
