import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { TestHub } from "../support/harness.js";

export const sha256 = (data: Uint8Array | string): string =>
  createHash("sha256").update(data).digest("hex");

/** Fails with the answer's body when the status is not the one expected. */
export async function expectStatus(res: Promise<Response>, status: number): Promise<Response> {
  const answered = await res;
  if (answered.status !== status) {
    assert.fail(`expected ${status}, got ${answered.status}: ${await answered.text()}`);
  }
  return answered;
}

/** How many audit events the hub holds: every state change writes one. */
export async function auditCount(hub: TestHub): Promise<number> {
  const row = await hub.built.ctx.db
    .selectFrom("audit_events")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Creates a model and, unless `files` is empty, a published version v1 holding them. */
export async function createModel(
  hub: TestHub,
  token: string,
  id: string,
  visibility: "private" | "internal" | "open",
  files: Record<string, string> = { file: `content of ${id}` },
): Promise<void> {
  await expectStatus(hub.request("POST", "/api/models", { token, json: { id, visibility } }), 201);
  if (Object.keys(files).length === 0) {
    return;
  }
  await createDraft(hub, token, id, "v1", files);
  await expectStatus(hub.request("POST", `/api/models/${id}/versions/v1/publish`, { token }), 200);
}

/** Creates a draft version holding `files`. */
export async function createDraft(
  hub: TestHub,
  token: string,
  id: string,
  version: string,
  files: Record<string, string> = {},
): Promise<void> {
  await expectStatus(
    hub.request("POST", `/api/models/${id}/versions`, { token, json: { name: version } }),
    201,
  );
  for (const [path, content] of Object.entries(files)) {
    await expectStatus(
      hub.request("PUT", `/api/models/${id}/versions/${version}/files/${path}`, {
        token,
        body: content,
      }),
      201,
    );
  }
}

/** Creates a token for the caller of `token` and returns its secret and id. */
export async function createToken(
  hub: TestHub,
  token: string,
  body: Record<string, unknown>,
): Promise<{ token: string; id: string }> {
  const res = await expectStatus(hub.request("POST", "/api/tokens", { token, json: body }), 201);
  return (await res.json()) as { token: string; id: string };
}

/** The JSON error body every refusal carries. */
export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly requestId: string;
  readonly details?: Record<string, unknown>;
}

/** Asserts a refusal's status and code, and returns its body for the message checks. */
export async function expectError(
  res: Promise<Response>,
  status: number,
  code: string,
): Promise<ErrorBody> {
  const answered = await res;
  const text = await answered.text();
  assert.equal(answered.status, status, text);
  const body = JSON.parse(text) as ErrorBody;
  assert.equal(body.code, code, text);
  assert.equal(typeof body.error, "string");
  return body;
}
