import { Readable } from "node:stream";
import type { BlobStore, StagedBlob } from "../blobs/index.js";
import { HubError } from "../errors/index.js";

/** The commit's header line: its title (`summary`), description and the commit it expects `main` at. */
export interface CommitHeader {
  readonly summary: string;
  readonly description: string;
  readonly parentCommit: string | undefined;
}

/** One change a commit makes, as read from its line. */
export type CommitOperation =
  | { readonly kind: "file"; readonly path: string; readonly staged: StagedBlob }
  /** Size absent when huggingface_hub copies an LFS file: the stored object's size is used. */
  | {
      readonly kind: "lfsFile";
      readonly path: string;
      readonly oid: string;
      readonly size?: number;
    }
  | { readonly kind: "deletedFile"; readonly path: string }
  | { readonly kind: "deletedFolder"; readonly path: string };

/** A commit read whole: regular files are staged in the blob store, not yet readable. */
export interface ParsedCommit {
  readonly header: CommitHeader;
  readonly operations: readonly CommitOperation[];
}

const SHA256 = /^[0-9a-f]{64}$/;
const COMMIT_ID = /^[0-9a-f]{40}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const SUPPORTED = "header, file, lfsFile, deletedFile or deletedFolder";

/**
 * The longest line a commit may hold: a file at the LFS threshold,
 * base64-encoded, with room for its path and keys.
 */
export function maxCommitLineBytes(lfsThreshold: number): number {
  return Math.ceil(lfsThreshold / 3) * 4 + 64 * 1024;
}

/** Splits a byte stream into lines (`\n`, the last one unterminated too), refusing one over `maxBytes`. */
async function* linesOf(body: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNumber = 1;
  const tooLong = (): HubError =>
    new HubError(
      "PAYLOAD_TOO_LARGE",
      `line ${lineNumber} of the commit is longer than ${maxBytes} bytes; send files above the LFS threshold through Git LFS (preupload says which)`,
    );
  for await (const chunk of body) {
    let start = 0;
    let at = chunk.indexOf(10);
    while (at >= 0) {
      if (pendingBytes + at - start > maxBytes) {
        throw tooLong();
      }
      pending.push(chunk.subarray(start, at));
      yield Buffer.concat(pending);
      lineNumber += 1;
      pending = [];
      pendingBytes = 0;
      start = at + 1;
      at = chunk.indexOf(10, start);
    }
    pendingBytes += chunk.length - start;
    if (pendingBytes > maxBytes) {
      throw tooLong();
    }
    pending.push(chunk.subarray(start));
  }
  if (pendingBytes > 0) {
    yield Buffer.concat(pending);
  }
}

const refuse = (line: number, problem: string): HubError =>
  new HubError("BAD_REQUEST", `line ${line} of the commit ${problem}`);

function stringField(value: Record<string, unknown>, key: string, line: number): string {
  const field = value[key];
  if (typeof field !== "string") {
    throw refuse(line, `has no string "value.${key}"`);
  }
  return field;
}

function optionalString(
  value: Record<string, unknown>,
  key: string,
  line: number,
): string | undefined {
  const field = value[key];
  if (field === undefined || field === null) {
    return undefined;
  }
  if (typeof field !== "string") {
    throw refuse(line, `has a "value.${key}" that is not a string`);
  }
  return field;
}

/** The bytes of a `file` line's content, in its encoding. */
function contentOf(value: Record<string, unknown>, line: number): Buffer {
  const content = stringField(value, "content", line);
  const encoding = optionalString(value, "encoding", line) ?? "base64";
  if (encoding === "utf-8" || encoding === "utf8") {
    return Buffer.from(content, "utf8");
  }
  if (encoding !== "base64") {
    throw refuse(line, `has the encoding "${encoding}"; send "base64"`);
  }
  if (content.length % 4 !== 0 || !BASE64.test(content)) {
    throw refuse(line, "has content that is not valid base64");
  }
  return Buffer.from(content, "base64");
}

function headerOf(value: Record<string, unknown>, line: number): CommitHeader {
  const parentCommit = optionalString(value, "parentCommit", line);
  if (parentCommit !== undefined && !COMMIT_ID.test(parentCommit)) {
    throw refuse(
      line,
      `names the parent commit "${parentCommit}", which is not a 40-hex commit id`,
    );
  }
  return {
    summary: optionalString(value, "summary", line) ?? "",
    description: optionalString(value, "description", line) ?? "",
    parentCommit,
  };
}

async function operationOf(
  key: string,
  value: Record<string, unknown>,
  line: number,
  blobs: BlobStore,
): Promise<CommitOperation> {
  const path = stringField(value, "path", line);
  switch (key) {
    case "file":
      return {
        kind: "file",
        path,
        staged: await blobs.stage(Readable.from([contentOf(value, line)])),
      };
    case "lfsFile": {
      const oid = stringField(value, "oid", line);
      if (!SHA256.test(oid)) {
        throw refuse(line, `names the LFS object "${oid}", which is not a sha256 hex digest`);
      }
      const algo = optionalString(value, "algo", line);
      if (algo !== undefined && algo !== "sha256") {
        throw refuse(line, `names its object by "${algo}"; objects are named by sha256`);
      }
      const size = value.size;
      if (size === undefined || size === null) {
        return { kind: "lfsFile", path, oid };
      }
      if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
        throw refuse(
          line,
          `gives the size ${JSON.stringify(size)}, which is not a whole number of bytes`,
        );
      }
      return { kind: "lfsFile", path, oid, size };
    }
    case "deletedFile":
      return { kind: "deletedFile", path };
    case "deletedFolder":
      return { kind: "deletedFolder", path };
    default:
      throw refuse(
        line,
        `is a "${key}" operation, which this hub does not take; send ${SUPPORTED}`,
      );
  }
}

/**
 * Reads a Hugging Face commit: NDJSON lines of `{key, value}`, a `header`
 * first, then `file` (content inline, base64), `lfsFile` (an object uploaded
 * through Git LFS), `deletedFile` and `deletedFolder` lines, as
 * huggingface_hub's `_commit_api.py` and @huggingface/hub's `commit.ts` send
 * them. Inline files are staged as they arrive, so the body is never held
 * whole; on any refusal every staged file is discarded.
 */
export async function readCommit(
  body: AsyncIterable<Buffer>,
  blobs: BlobStore,
  maxLineBytes: number,
): Promise<ParsedCommit> {
  let header: CommitHeader | undefined;
  const operations: CommitOperation[] = [];
  let line = 0;
  try {
    for await (const raw of linesOf(body, maxLineBytes)) {
      line += 1;
      const text = raw.toString("utf8").trim();
      if (text === "") {
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw refuse(line, "is not JSON; send one JSON object per line (application/x-ndjson)");
      }
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw refuse(line, "is not a JSON object");
      }
      const { key, value } = parsed as { key?: unknown; value?: unknown };
      if (
        typeof key !== "string" ||
        typeof value !== "object" ||
        value === null ||
        Array.isArray(value)
      ) {
        throw refuse(line, `is not of the form {"key": …, "value": {…}}`);
      }
      const fields = value as Record<string, unknown>;
      if (key === "header") {
        if (header !== undefined || operations.length > 0) {
          throw refuse(line, "is a second header, or a header after operations; send one, first");
        }
        header = headerOf(fields, line);
        continue;
      }
      if (header === undefined) {
        throw refuse(line, `is a "${key}" operation before the header; send the header line first`);
      }
      operations.push(await operationOf(key, fields, line, blobs));
    }
    if (header === undefined) {
      throw new HubError(
        "BAD_REQUEST",
        "the commit is empty: send a header line, then one line per operation",
      );
    }
    return { header, operations };
  } catch (err) {
    await discardStaged(operations);
    throw err;
  }
}

/** Drops the content a refused commit staged. */
export async function discardStaged(operations: readonly CommitOperation[]): Promise<void> {
  for (const op of operations) {
    if (op.kind === "file") {
      await op.staged.discard();
    }
  }
}
