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
 * folder. The CLI must not trust a hub to choose where it writes.
 */
describe("gatehouse pull against a hub that lists unsafe paths", () => {
  let server: http.Server;
  let url: string;
  let work: string;
  let home: { home: string; configDir: string };
  let requested: string[];
  let unsafePath = "";
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
              { path: unsafePath, sha256, size: body.length },
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

  for (const bad of ["../escape.txt", "a/../../escape.txt", "/etc/escape.txt", "a\\..\\x"]) {
    it(`refuses "${bad}" before writing or downloading anything`, async () => {
      unsafePath = bad;
      requested = [];
      const dest = path.join(work, "inner", "dest");
      const result = await gatehouse(["--hub", url, "pull", "evil/m@v1", dest], home);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /outside the target folder.*\(UNSAFE_PATH\)/);
      assert.deepEqual(requested, ["/api/models/evil/m/versions/v1"]);
      assert.deepEqual(await readdir(work).catch(() => []), []);
    });
  }
});
