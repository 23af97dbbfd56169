export type { BlobStore, ByteRange, StagedBlob, StageExpectations } from "./blob-store.js";
export { FsBlobStore } from "./fs-blob-store.js";
