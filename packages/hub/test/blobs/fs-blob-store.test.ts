import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { after, beforeEach, describe, it } from "node:test";
import { FsBlobStore } from "../../src/blobs/index.js";
import { HubError } from "../../src/errors/index.js";

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** A source that sends `chunks` and then fails, as a dropped client connection does. */
function abortedSource(chunks: readonly Buffer[]): Readable {
  let i = 0;
  return new Readable({
    read() {
      const chunk = chunks[i];
      i += 1;
      if (chunk === undefined) {
        this.destroy(new Error("connection reset"));
      } else {
        this.push(chunk);
      }
    },
  });
}

describe("file system blob store", () => {
  const dirs: string[] = [];
  let dir: string;
  let blobs: FsBlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "gatehouse-blobs-"));
    dirs.push(dir);
    blobs = await FsBlobStore.open(dir);
  });
  after(async () => {
    for (const d of dirs) {
      await rm(d, { recursive: true, force: true });
    }
  });

  it("stores the same content once however often it is staged", async () => {
    const content = Buffer.from("the same weights, twice");
    for (let i = 0; i < 2; i++) {
      const staged = await blobs.stage(Readable.from([content]));
      assert.equal(staged.sha256, sha256(content));
      assert.equal(staged.size, content.length);
      await staged.commit();
    }
    const digest = sha256(content);
    assert.deepEqual(await filesUnder(dir), [path.join("sha256", digest.slice(0, 2), digest)]);
    assert.equal(await blobs.sizeOf(digest), content.length);
    assert.deepEqual(await buffer(blobs.read(digest)), content);
  });

  it("keeps staged content invisible until it is committed, and drops it on discard", async () => {
    const content = Buffer.from("not yet");
    const staged = await blobs.stage(Readable.from([content]));
    assert.equal(await blobs.sizeOf(staged.sha256), null);
    assert.deepEqual(await buffer(staged.read()), content);
    await staged.discard();
    assert.deepEqual(await filesUnder(dir), []);
  });

  it("stores nothing when the content does not match the expected sha256", async () => {
    const content = Buffer.from("actual content");
    const expected = sha256(Buffer.from("other content"));
    await assert.rejects(
      blobs.stage(Readable.from([content]), { sha256: expected }),
      (err: unknown) => {
        assert.ok(err instanceof HubError);
        assert.equal(err.code, "CHECKSUM_MISMATCH");
        assert.match(err.message, new RegExp(expected));
        return true;
      },
    );
    assert.deepEqual(await filesUnder(dir), []);
    assert.equal(await blobs.sizeOf(sha256(content)), null);
  });

  it("stores nothing when fewer bytes arrive than were announced", async () => {
    await assert.rejects(
      blobs.stage(Readable.from([Buffer.from("12345")]), { size: 10 }),
      (err: unknown) => err instanceof HubError && err.code === "INCOMPLETE_UPLOAD",
    );
    assert.deepEqual(await filesUnder(dir), []);
  });

  it("leaves nothing in tmp/ or sha256/ when the source stream is aborted", async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    await assert.rejects(
      blobs.stage(abortedSource([chunk, chunk, chunk])),
      (err: unknown) => err instanceof HubError && err.code === "INCOMPLETE_UPLOAD",
    );
    assert.deepEqual(await readdir(path.join(dir, "tmp")), []);
    assert.deepEqual(await readdir(path.join(dir, "sha256")), []);
  });

  it("reads inclusive byte ranges of a stored blob", async () => {
    const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    const staged = await blobs.stage(Readable.from([content]));
    await staged.commit();
    const read = (start: number, end: number): Promise<Buffer> =>
      buffer(blobs.read(staged.sha256, { start, end }));
    assert.deepEqual(await read(0, 0), content.subarray(0, 1));
    assert.deepEqual(await read(10, 19), content.subarray(10, 20));
    assert.deepEqual(await read(990, 999), content.subarray(990));
    assert.deepEqual(await buffer(blobs.read(staged.sha256)), content);
  });

  it("refuses a blob name that is not a sha256 digest", async () => {
    await assert.rejects(blobs.sizeOf("../../etc/passwd"), (err: unknown) => {
      return err instanceof HubError && err.code === "BAD_REQUEST";
    });
  });
});
