// Download of a gated file by a user holding a grant, against the same bytes as an open file,
// from one hub in the same run: the grant and licence checks must not cost the stream.
import path from "node:path";
import { curlOnce, downloads } from "./download.mjs";
import { curlPut } from "./lib/curl-put.mjs";
import { createUser, startHub } from "./lib/hub-process.mjs";
import { formatSize } from "./push.mjs";

const CARD = `---
license: apache-2.0
extra_gated_fields:
  Affiliation: text
gate:
  approval: auto
---
# A gated copy
`;

/** Publishes `id` at `stage` holding the stored blob (attached by digest) and a card. */
async function publishCopy(hub, id, stage, file) {
  await hub.call("POST", "/api/models", { json: { id, visibility: stage } });
  await hub.call("POST", `/api/models/${id}/versions`, { json: { name: "v1" } });
  await hub.call("POST", `/api/models/${id}/versions/v1/files`, {
    json: { files: [{ path: file.path, sha256: file.sha256, size: file.size }] },
  });
  const res = await fetch(`${hub.url}/api/models/${id}/versions/v1/files/README.md`, {
    method: "PUT",
    headers: { authorization: `Bearer ${hub.adminToken}` },
    body: CARD,
  });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`README.md of ${id}: ${res.status} ${await res.text()}`);
  }
  await hub.call("POST", `/api/models/${id}/versions/v1/publish`);
}

/**
 * The large file published twice on a hub without release rules, once open
 * and once gated; a user asks for access (granted at once) and downloads both
 * in balanced order.
 */
export async function benchGatedDownload({ file, runs, work, log }) {
  const hub = await startHub({ parent: work, env: { GATEHOUSE_DEFAULT_POLICY: "false" } });
  try {
    // A private source version stores the blob once; the two copies attach it by digest.
    await hub.call("POST", "/api/models", { json: { id: "admin/source", visibility: "private" } });
    await hub.call("POST", "/api/models/admin/source/versions", { json: { name: "v1" } });
    const fileName = path.basename(file);
    await curlPut(hub, { model: "admin/source", version: "v1", filePath: fileName, file });
    const source = await hub.call("POST", "/api/models/admin/source/versions/v1/publish");
    const stored = source.files.find((f) => f.path === fileName);
    await publishCopy(hub, "admin/open", "open", stored);
    await publishCopy(hub, "admin/gated", "gated", stored);
    const token = await createUser(hub, "reader", ["read"]);
    await hub.call("POST", "/api/models/admin/gated/access/requests", {
      token,
      json: { answers: { Affiliation: "Bench Lab" }, acceptLicence: true },
    });
    const gatedUrl = `${hub.url}/admin/gated/resolve/v1/${fileName}`;
    const openUrl = `${hub.url}/admin/open/resolve/v1/${fileName}`;
    // One untimed download of each, so that no timed run reads the blob cold from disk.
    await curlOnce(gatedUrl, token, null, stored.size);
    await curlOnce(openUrl, token, null, stored.size);
    const rates = await downloads({
      hubUrl: gatedUrl,
      baseUrl: openUrl,
      token,
      out: null,
      size: stored.size,
      runs,
      label: "gated vs open",
      log,
      names: ["gated", "open"],
    });
    const ratio = rates.hub / rates.base;
    return {
      rows: [
        {
          figure: `download ${formatSize(stored.size)} gated by a grant holder vs open (curl -o /dev/null)`,
          hub: rates.hub,
          baseline: rates.base,
          unit: "MiB/s",
          ratio,
          target: "≥ 0.95×",
          pass: ratio >= 0.95,
        },
      ],
    };
  } finally {
    await hub.stop();
  }
}
