import type { OnnxExportMetadata } from "./export-spec.js";
import { ONNX_METADATA_KEYS } from "./onnx-format.js";

/**
 * The `metadata_props` entries of an exported file: licence and card link, the exporter's own
 * `entries`, then `metadata.extra` sorted by key, so that the same spec always gives the same bytes.
 */
export function metadataProps(
  metadata: OnnxExportMetadata,
  entries: readonly { key: string; value: string }[],
): { key: string; value: string }[] {
  const props: { key: string; value: string }[] = [
    { key: ONNX_METADATA_KEYS.licence, value: metadata.licence },
  ];
  if (metadata.cardUrl !== undefined) {
    props.push({ key: ONNX_METADATA_KEYS.cardUrl, value: metadata.cardUrl });
  }
  props.push(...entries);
  for (const key of Object.keys(metadata.extra ?? {}).sort()) {
    props.push({ key, value: metadata.extra?.[key] ?? "" });
  }
  return props;
}
