import { createHash } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { WebHub } from "./hub.js";

/**
 * A release policy with a two-person rule: the weights leave (gated, open)
 * only with a passing ethics review, which refuses without one, and the
 * approvals of two different reviewers, which the change waits for. A
 * derivative leaves only under terms its bases allow.
 */
export const TWO_PERSON_POLICY = `policy: two-person
rules:
  - id: lineage-clean
    description: A derivative keeps its bases' terms.
    when: transition.to in ['gated', 'open']
    require: lineage.clean
    message: resolve the lineage findings before the weights leave
  - id: ethics-review-attached
    description: A version's weights leave only with a passing ethics review.
    when: transition.to in ['gated', 'open']
    require: evidence.exists(e, e.kind == 'ethics-review' && e.passed != false && !e.stale)
    message: attach a passing ethics-review report
  - id: two-reviewers
    description: Two different reviewers approve before the weights leave.
    when: transition.to in ['gated', 'open']
    require: >-
      signoffs.exists(a, a.verdict == 'approve' && 'reviewer' in a.roles &&
        signoffs.exists(b, b.verdict == 'approve' && 'reviewer' in b.roles && b.user != a.user))
    message: two different reviewers (not the author) must approve
    awaits: signoffs
`;

/** Writes `policy` into a new temporary folder, for GATEHOUSE_POLICY_DIR; remove it when done. */
export async function policyDir(policy: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-web-policy-"));
  await writeFile(path.join(dir, "release.yaml"), policy);
  return dir;
}

/** A passing ethics review of `file` (its content given), as the ethics board would write it. */
export function ethicsReview(file: { path: string; content: string }): Record<string, unknown> {
  return {
    kind: "ethics-review",
    schemaVersion: 2,
    createdAt: "2026-01-05T00:00:00Z",
    producer: { name: "ethics board", version: "1" },
    subject: {
      sha256: createHash("sha256").update(file.content).digest("hex"),
      path: file.path,
    },
    summary: "reviewed against the board's checklist",
    passed: true,
    reviewer: "ethics board",
    conclusion: "approved",
    notes: "",
  };
}

/** Attaches a passing ethics review of `file` (its content given) to a version, as `token`. */
export async function attachEthicsReview(
  hub: WebHub,
  version: string,
  file: { path: string; content: string },
  token: string,
): Promise<void> {
  const answer = await hub.api(
    "POST",
    `/api/models/${version.replace("@", "/versions/")}/evidence`,
    ethicsReview(file),
    token,
  );
  if (answer.status !== 201) {
    throw new Error(`attaching evidence to ${version}: ${answer.status} ${await answer.text()}`);
  }
}

/**
 * Creates `id` at `visibility` and publishes a version `v1` of `files` through
 * the HTTP API, as `token`: what `gatehouse push` does, without starting the
 * CLI once per step, for tests that only need the model to be there.
 */
export async function publishModel(
  hub: WebHub,
  id: string,
  files: Record<string, string>,
  visibility: "private" | "internal" | "gated" | "open",
  token: string,
): Promise<void> {
  const send = async (method: string, urlPath: string, body?: string, json = true) => {
    const answer = await fetch(`${hub.url}${urlPath}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined
          ? {}
          : { "content-type": json ? "application/json" : "application/octet-stream" }),
      },
      ...(body === undefined ? {} : { body }),
    });
    if (!answer.ok) {
      throw new Error(`${method} ${urlPath}: ${answer.status} ${await answer.text()}`);
    }
  };
  await send("POST", "/api/models", JSON.stringify({ id, visibility }));
  await send("POST", `/api/models/${id}/versions`, JSON.stringify({ name: "v1" }));
  for (const [file, content] of Object.entries(files)) {
    await send("PUT", `/api/models/${id}/versions/v1/files/${file}`, content, false);
  }
  await send("POST", `/api/models/${id}/versions/v1/publish`);
}
