import type { Readable } from "node:stream";

/** Inclusive byte range, as in an HTTP `Range` header. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Content that has been received and hashed but is not yet visible to readers. */
export interface StagedBlob {
  readonly sha256: string;
  readonly size: number;
  /** Reads the staged content, e.g. to validate a model card before it is kept. */
  read(): Readable;
  /** Makes the content readable under its sha256; idempotent if it is already stored. */
  commit(): Promise<void>;
  /** Drops the staged content. */
  discard(): Promise<void>;
}

/** What the caller knows of the content in advance; a mismatch stores nothing. */
export interface StageExpectations {
  readonly sha256?: string;
  readonly size?: number;
}

/**
 * Content-addressed storage. Content is streamed in, never held whole in
 * memory, and becomes visible only once complete and hashed.
 */
export interface BlobStore {
  stage(source: Readable, expect?: StageExpectations): Promise<StagedBlob>;
  /** The stored size of a blob, or null when the store does not hold it. */
  sizeOf(sha256: string): Promise<number | null>;
  read(sha256: string, range?: ByteRange): Readable;
  /**
   * A path to the content on this machine's disk, for readers that need a
   * file rather than a stream (onnxruntime loads a model by path in its
   * worker thread); null when the store does not hold it. A store that keeps
   * blobs elsewhere copies the content to a local cache first.
   */
  localFile(sha256: string): Promise<string | null>;
}
