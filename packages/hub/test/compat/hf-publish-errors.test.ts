import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { loggedUrl } from "../../src/request-log.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { auditCount, createModel, expectError, expectStatus } from "../security/support.js";
import {
  TEST_LFS_THRESHOLD,
  blobFiles,
  randomContent,
  sha256,
  versionsOf,
} from "./publish-support.js";

const REPO = "olivia/errs";
const LFS = "application/vnd.git-lfs+json";

interface BatchObject {
  readonly oid: string;
  readonly size: number;
  readonly actions?: { upload: { href: string }; verify: { href: string } };
}

for (const dialect of DIALECTS) {
  describe(`Hugging Face publishing refuses bad input and changes nothing (${dialect})`, () => {
    let hub: TestHub;
    let owner: string;
    let outsider: string;

    const batch = async (objects: { oid: string; size: number }[], token = owner) => {
      const res = await expectStatus(
        hub.request("POST", `/${REPO}.git/info/lfs/objects/batch`, {
          token,
          headers: { "content-type": LFS, accept: LFS },
          body: JSON.stringify({ operation: "upload", transfers: ["basic"], objects }),
        }),
        200,
      );
      return ((await res.json()) as { objects: BatchObject[] }).objects;
    };
    const commit = (lines: unknown[], revision = "main", token = owner, query = "") =>
      hub.request("POST", `/api/models/${REPO}/commit/${revision}${query}`, {
        token,
        headers: { "content-type": "application/x-ndjson" },
        body: lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n"),
      });
    const header = { key: "header", value: { summary: "change", description: "" } };
    const file = (path: string, content: string) => ({
      key: "file",
      value: { path, content: Buffer.from(content).toString("base64"), encoding: "base64" },
    });

    /** Runs a refused request and checks nothing changed: versions, audit log, blobs. */
    const unchanged = async (run: () => Promise<void>): Promise<void> => {
      const before = [
        await versionsOf(hub, owner, REPO),
        await auditCount(hub),
        await blobFiles(hub),
      ];
      await run();
      assert.deepEqual(
        [await versionsOf(hub, owner, REPO), await auditCount(hub), await blobFiles(hub)],
        before,
      );
    };

    before(async () => {
      hub = await startHub(dialect, { GATEHOUSE_LFS_THRESHOLD: String(TEST_LFS_THRESHOLD) });
      owner = await hub.createUser("olivia");
      outsider = await hub.createUser("oscar");
      await createModel(hub, owner, REPO, "private", { "a.txt": "a", "dir/b.txt": "b" });
    });
    after(() => hub.close());

    it("answers preupload with lfs above the threshold or for a binary sample, regular otherwise", async () => {
      const res = await expectStatus(
        hub.request("POST", `/api/models/${REPO}/preupload/main`, {
          token: owner,
          json: {
            files: [
              {
                path: "big.txt",
                size: TEST_LFS_THRESHOLD + 1,
                sample: Buffer.from("text").toString("base64"),
              },
              { path: "small.bin", size: 3, sample: Buffer.from([1, 0, 2]).toString("base64") },
              { path: "a.txt", size: 1, sample: Buffer.from("a").toString("base64") },
            ],
          },
        }),
        200,
      );
      const git = (content: string) => {
        return createHash("sha1").update(`blob ${content.length}\0${content}`).digest("hex");
      };
      assert.deepEqual(await res.json(), {
        files: [
          { path: "big.txt", uploadMode: "lfs", shouldIgnore: false },
          { path: "small.bin", uploadMode: "lfs", shouldIgnore: false },
          { path: "a.txt", uploadMode: "regular", shouldIgnore: false, oid: git("a") },
        ],
      });
    });

    it("refuses malformed NDJSON, refused paths, unknown operations and empty commits with 400", async () => {
      const cases: [unknown[], string, RegExp][] = [
        [[header, "{not json"], "BAD_REQUEST", /^line 2 of the commit is not JSON/],
        [
          [header, file(".git/config", "x")],
          "INVALID_PATH",
          /file path "\.git\/config" has a '\.git' segment/,
        ],
        [[header, file("../up.txt", "x")], "INVALID_PATH", /has a '\.\.' segment/],
        [
          [header, { key: "copyFile", value: { path: "x" } }],
          "BAD_REQUEST",
          /"copyFile" operation, which this hub does not take/,
        ],
        [[file("a.txt", "x")], "BAD_REQUEST", /before the header/],
        [[header], "BAD_REQUEST", /the commit has no operation/],
        [[], "BAD_REQUEST", /the commit is empty/],
        [[header, file("a.txt", "a")], "BAD_REQUEST", /changes no file of version v1/],
        [
          [header, { key: "file", value: { path: "c.txt", content: "!!", encoding: "base64" } }],
          "BAD_REQUEST",
          /not valid base64/,
        ],
      ];
      for (const [lines, code, message] of cases) {
        await unchanged(async () => {
          const body = await expectError(commit(lines), 400, code);
          assert.match(body.error, message);
        });
      }
    });

    it("refuses a deleted path that does not exist with 404 EntryNotFound", async () => {
      await unchanged(async () => {
        const res = commit([header, { key: "deletedFile", value: { path: "nope.txt" } }]);
        const body = await expectError(res, 404, "ENTRY_NOT_FOUND");
        assert.match(
          body.error,
          /A file with this name doesn't exist: "nope.txt" is not in version v1/,
        );
      });
    });

    it("refuses a commit to another revision, a published version and a pull request", async () => {
      await unchanged(async () => {
        const body = await expectError(
          commit([header, file("c.txt", "c")], "dev"),
          404,
          "REVISION_NOT_FOUND",
        );
        assert.match(body.error, /takes commits to main only/);
        const tag = await expectError(
          commit([header, file("c.txt", "c")], "v1"),
          400,
          "BAD_REQUEST",
        );
        assert.match(tag.error, /published versions never change/);
        const pr = await expectError(
          commit([header, file("c.txt", "c")], "main", owner, "?create_pr=1"),
          400,
          "BAD_REQUEST",
        );
        assert.match(pr.error, /pull requests are not supported/);
      });
    });

    it("refuses an lfsFile whose object was never uploaded", async () => {
      const content = randomContent(2000);
      await unchanged(async () => {
        const lfsLine = {
          key: "lfsFile",
          value: { path: "w.bin", algo: "sha256", oid: sha256(content), size: 2000 },
        };
        const body = await expectError(commit([header, lfsLine]), 400, "BAD_REQUEST");
        assert.match(body.error, /was never uploaded with 2000 bytes/);
      });
    });

    it("refuses an LFS upload whose sha256 or size does not match, keeping no blob, and a spent or unknown link", async () => {
      const content = randomContent(TEST_LFS_THRESHOLD + 10);
      const oid = sha256(content);
      const [object] = await batch([{ oid, size: content.length }]);
      const href = object?.actions?.upload.href ?? assert.fail("no upload action");
      assert.match(href, /\?ticket=[A-Za-z0-9_-]{43}$/);
      assert.equal(
        loggedUrl(new URL(href).pathname + new URL(href).search).includes(
          new URL(href).searchParams.get("ticket") ?? "?",
        ),
        false,
      );
      const put = (body: Buffer, url = href) => fetch(url, { method: "PUT", body });
      await unchanged(async () => {
        const other = Buffer.from(content);
        other[0] = (other[0] ?? 0) ^ 1;
        const wrong = await put(other);
        assert.equal(wrong.status, 400);
        assert.equal(((await wrong.json()) as { code: string }).code, "CHECKSUM_MISMATCH");
        const short = await put(content.subarray(1));
        assert.equal(short.status, 400);
        assert.match(
          ((await short.json()) as { error: string }).error,
          /but object [0-9a-f]{64} has \d+/,
        );
        const long = await put(Buffer.concat([content, Buffer.from("x")]));
        assert.equal(long.status, 400);
        const forged = await put(content, href.replace(/ticket=.*/, "ticket=forged"));
        assert.equal(forged.status, 403);
        assert.match(
          ((await forged.json()) as { error: string }).error,
          /upload link is unknown, expired, already used/,
        );
      });
      assert.equal((await put(content)).status, 200);
      const spent = await put(content);
      assert.equal(spent.status, 403);
      const verify = await hub.request("POST", `/${REPO}.git/info/lfs/objects/verify`, {
        token: owner,
        json: { oid, size: content.length },
      });
      assert.equal(verify.status, 200);
      const [again] = await batch([{ oid, size: content.length }]);
      assert.equal(again?.actions, undefined, "an object already stored needs no upload");
      const lfsLine = {
        key: "lfsFile",
        value: { path: "w.bin", algo: "sha256", oid, size: content.length },
      };
      await expectStatus(commit([{ key: "header", value: { summary: "v2.0" } }, lfsLine]), 200);
      assert.equal((await versionsOf(hub, owner, REPO))[0]?.name, "v2.0");
    });

    it("answers a caller who may not see the model as for a missing one, and changes nothing", async () => {
      await unchanged(async () => {
        for (const res of [
          commit([header, file("c.txt", "c")], "main", outsider),
          hub.request("POST", `/${REPO}.git/info/lfs/objects/batch`, {
            token: outsider,
            headers: { "content-type": LFS },
            body: JSON.stringify({
              operation: "upload",
              objects: [{ oid: "0".repeat(64), size: 1 }],
            }),
          }),
          hub.request("POST", `/api/models/${REPO}/preupload/main`, {
            token: outsider,
            json: { files: [] },
          }),
        ]) {
          const body = await expectError(res, 404, "REPO_NOT_FOUND");
          assert.equal(
            body.error,
            `Repository not found: ${REPO}. It does not exist or your token may not read it.`,
          );
        }
      });
    });
  });
}
