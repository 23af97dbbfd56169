import { createHash } from "node:crypto";
import type { Hash } from "node:crypto";
import { isTextDataset } from "./dataset.js";
import type { TabularDataset, TextDataset } from "./dataset.js";

const CHUNK = 8192;

function updateFloat64(hash: Hash, values: Float64Array): void {
  const view = new DataView(new ArrayBuffer(CHUNK * 8));
  for (let start = 0; start < values.length; start += CHUNK) {
    const end = Math.min(values.length, start + CHUNK);
    for (let k = start; k < end; k++) {
      const v = values[k] ?? 0;
      const at = (k - start) * 8;
      // One encoding per value: -0 as 0, and every NaN as the quiet NaN 0x7ff8000000000000
      // (a DataView may keep any NaN payload).
      if (Number.isNaN(v)) {
        view.setUint32(at, 0, true);
        view.setUint32(at + 4, 0x7ff80000, true);
      } else {
        view.setFloat64(at, Object.is(v, -0) ? 0 : v, true);
      }
    }
    hash.update(new Uint8Array(view.buffer, 0, (end - start) * 8));
  }
}

/**
 * SHA-256 (hex) of a canonical encoding of the data, so an evaluation report can name
 * the exact rows it used. The name of the dataset is not part of it; everything else is:
 *
 * 1. the UTF-8 JSON line of a header: for tabular data
 *    `{"format":"gatehouse-dataset-v1","kind":"tabular","task","featureNames","targetName","classes","rows"}`,
 *    for text data `{"format":"gatehouse-dataset-v1","kind":"text","classes","rows"}`, then "\n";
 * 2. tabular: every `x` value (row-major) then every `y` value as IEEE-754 float64
 *    little-endian (-0 written as 0, NaN as 0x7ff8000000000000);
 *    text: for each text its UTF-8 byte length (uint32 little-endian) then its bytes, then
 *    every label as int32 little-endian.
 *
 * The same rows in another order give another fingerprint.
 */
export function datasetFingerprint(data: TabularDataset | TextDataset): string {
  const hash = createHash("sha256");
  if (isTextDataset(data)) {
    const header = {
      format: "gatehouse-dataset-v1",
      kind: "text",
      classes: data.classes,
      rows: data.texts.length,
    };
    hash.update(`${JSON.stringify(header)}\n`, "utf8");
    const length = new DataView(new ArrayBuffer(4));
    for (const text of data.texts) {
      const bytes = Buffer.from(text, "utf8");
      length.setUint32(0, bytes.length, true);
      hash.update(new Uint8Array(length.buffer));
      hash.update(bytes);
    }
    const labels = new DataView(new ArrayBuffer(data.labels.length * 4));
    data.labels.forEach((l, i) => {
      labels.setInt32(i * 4, l, true);
    });
    hash.update(new Uint8Array(labels.buffer));
    return hash.digest("hex");
  }
  const header = {
    format: "gatehouse-dataset-v1",
    kind: "tabular",
    task: data.task,
    featureNames: data.featureNames,
    targetName: data.targetName,
    classes: data.classes,
    rows: data.y.length,
  };
  hash.update(`${JSON.stringify(header)}\n`, "utf8");
  updateFloat64(hash, data.x);
  updateFloat64(hash, data.y);
  return hash.digest("hex");
}
