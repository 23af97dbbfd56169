import { createHash } from "node:crypto";
import type { TestHub } from "../support/harness.js";

/** sha256 of some bytes, hex. */
export const sha256 = (data: Uint8Array | string): string =>
  createHash("sha256").update(data).digest("hex");

/** The content of one published version, by path. */
export type VersionFiles = Record<string, Buffer>;

/** A private model with two published versions, as the client tests download it. */
export interface PrivateModel {
  readonly repo: string;
  /** Token of the owner, who may read everything. */
  readonly ownerToken: string;
  /** Token of another user, who may not see the model. */
  readonly strangerToken: string;
  readonly v1: { readonly name: "v1"; readonly sha: string; readonly files: VersionFiles };
  readonly v2: { readonly name: "v2"; readonly sha: string; readonly files: VersionFiles };
}

/** Bytes that differ at every offset, so that a wrong range or a wrong file shows. */
function pattern(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) {
    out[i] = (i * 31 + seed) % 251;
  }
  return out;
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status !== status) {
    throw new Error(`${what}: ${response.status} ${await response.text()}`);
  }
}

/** Creates version `name` of `repo`, uploads `files` into it and publishes it; returns its commit id. */
export async function publishVersion(
  hub: TestHub,
  token: string,
  repo: string,
  name: string,
  files: VersionFiles,
): Promise<string> {
  await expectStatus(
    await hub.request("POST", `/api/models/${repo}/versions`, { token, json: { name } }),
    201,
    `creating version ${name}`,
  );
  for (const [filePath, body] of Object.entries(files)) {
    await expectStatus(
      await hub.request("PUT", `/api/models/${repo}/versions/${name}/files/${filePath}`, {
        token,
        body,
        headers: { "x-gatehouse-sha256": sha256(body) },
      }),
      201,
      `uploading ${filePath}`,
    );
  }
  const published = await hub.request("POST", `/api/models/${repo}/versions/${name}/publish`, {
    token,
  });
  await expectStatus(published, 200, `publishing ${name}`);
  return ((await published.json()) as { sha: string }).sha;
}

/**
 * Creates users `owner` and `stranger` and the private model `owner/secret-model`
 * with versions v1 and v2 (v2 newest, so `main` means v2). v1 holds a nested
 * folder and an empty file; v2 changes the weights and drops a file, so a
 * client that resolves the wrong revision gets the wrong bytes.
 */
export async function publishPrivateModel(hub: TestHub): Promise<PrivateModel> {
  const ownerToken = await hub.createUser("owner", ["read", "write"]);
  const strangerToken = await hub.createUser("stranger", ["read", "write"]);
  const repo = "owner/secret-model";
  await expectStatus(
    await hub.request("POST", "/api/models", {
      token: ownerToken,
      json: { id: repo, visibility: "private" },
    }),
    201,
    "creating the model",
  );
  const v1Files: VersionFiles = {
    "README.md": Buffer.from("---\nlicense: mit\ntags: [compat]\n---\n# Secret model\n"),
    "config.json": Buffer.from(JSON.stringify({ hidden_size: 8, layers: 2 })),
    "weights/model.bin": pattern(70_000, 1),
    "weights/shards/part-1.bin": pattern(1_234, 2),
    "empty.txt": Buffer.alloc(0),
  };
  const v2Files: VersionFiles = {
    "README.md": Buffer.from("---\nlicense: mit\ntags: [compat]\n---\n# Secret model, v2\n"),
    "config.json": Buffer.from(JSON.stringify({ hidden_size: 16, layers: 4 })),
    "weights/model.bin": pattern(90_001, 7),
    "empty.txt": Buffer.alloc(0),
  };
  const v1Sha = await publishVersion(hub, ownerToken, repo, "v1", v1Files);
  const v2Sha = await publishVersion(hub, ownerToken, repo, "v2", v2Files);
  return {
    repo,
    ownerToken,
    strangerToken,
    v1: { name: "v1", sha: v1Sha, files: v1Files },
    v2: { name: "v2", sha: v2Sha, files: v2Files },
  };
}
