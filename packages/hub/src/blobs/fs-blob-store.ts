import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HubError } from "../errors/index.js";
import type { BlobStore, ByteRange, StageExpectations, StagedBlob } from "./blob-store.js";

const SHA256 = /^[0-9a-f]{64}$/;
/** Staged files older than this at start-up belong to uploads that died with a crash. */
const STALE_STAGING_MS = 60 * 60 * 1000;

/** fsync, so that a rename after it never exposes a file whose bytes a crash could lose. */
async function syncFile(file: string): Promise<void> {
  const handle = await open(file, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Blobs as files under `dir/sha256/ab/abcdef…`, staged in `dir/tmp/` and
 * renamed into place after an fsync, so a crash never leaves a partial file
 * under a content name.
 */
export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private readonly objectsDir: string;

  private constructor(dir: string) {
    this.tmpDir = path.join(dir, "tmp");
    this.objectsDir = path.join(dir, "sha256");
  }

  /** Creates the folders and removes staging files left behind by a crash. */
  static async open(dir: string): Promise<FsBlobStore> {
    const store = new FsBlobStore(dir);
    await mkdir(store.tmpDir, { recursive: true });
    await mkdir(store.objectsDir, { recursive: true });
    const now = Date.now();
    for (const name of await readdir(store.tmpDir)) {
      const file = path.join(store.tmpDir, name);
      const info = await stat(file).catch(() => null);
      if (info !== null && now - info.mtimeMs > STALE_STAGING_MS) {
        await rm(file, { force: true });
      }
    }
    return store;
  }

  private objectPath(sha256: string): string {
    if (!SHA256.test(sha256)) {
      throw new HubError("BAD_REQUEST", `"${sha256}" is not a sha256 hex digest`);
    }
    return path.join(this.objectsDir, sha256.slice(0, 2), sha256);
  }

  async stage(source: Readable, expect: StageExpectations = {}): Promise<StagedBlob> {
    const tmp = path.join(this.tmpDir, `${randomBytes(12).toString("hex")}.part`);
    const hash = createHash("sha256");
    let size = 0;
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, hasher, createWriteStream(tmp, { flags: "wx" }));
      await syncFile(tmp);
    } catch (err) {
      await rm(tmp, { force: true });
      if (err instanceof HubError) {
        throw err;
      }
      throw new HubError(
        "INCOMPLETE_UPLOAD",
        `the upload ended before it was complete (${size} bytes received); send the file again`,
      );
    }
    const sha256 = hash.digest("hex");
    if (expect.size !== undefined && size !== expect.size) {
      await rm(tmp, { force: true });
      throw new HubError(
        "INCOMPLETE_UPLOAD",
        `received ${size} bytes but ${expect.size} were announced; send the file again`,
      );
    }
    if (expect.sha256 !== undefined && sha256 !== expect.sha256) {
      await rm(tmp, { force: true });
      throw new HubError(
        "CHECKSUM_MISMATCH",
        `content has sha256 ${sha256} but ${expect.sha256} was expected; nothing was stored`,
        { expected: expect.sha256, actual: sha256 },
      );
    }
    const finalPath = this.objectPath(sha256);
    return {
      sha256,
      size,
      read: () => createReadStream(tmp),
      commit: async () => {
        const dir = path.dirname(finalPath);
        await mkdir(dir, { recursive: true });
        // Same content under the same name: replacing it is harmless and atomic.
        await rename(tmp, finalPath);
        await syncDir(dir);
      },
      discard: () => rm(tmp, { force: true }),
    };
  }

  async sizeOf(sha256: string): Promise<number | null> {
    const info = await stat(this.objectPath(sha256)).catch(() => null);
    return info === null ? null : info.size;
  }

  read(sha256: string, range?: ByteRange): Readable {
    return createReadStream(this.objectPath(sha256), range);
  }

  async localFile(sha256: string): Promise<string | null> {
    const file = this.objectPath(sha256);
    return (await stat(file).catch(() => null)) === null ? null : file;
  }
}
