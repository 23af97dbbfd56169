import { nextLink } from "../../src/cli/hub-client.js";
import { createDraft, expectStatus } from "../security/support.js";
import type { TestHub } from "../support/harness.js";

/** A README whose front matter holds `card`, each value written as JSON (a YAML flow value). */
export function readme(card: Record<string, unknown>): string {
  const lines = Object.entries(card).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `---\n${lines.join("\n")}\n---\n# A model\n`;
}

/** Publishes `version` of `id` holding a weights file and, unless `card` is null, a README with it. */
export async function publishWithCard(
  hub: TestHub,
  token: string,
  id: string,
  version: string,
  card: Record<string, unknown> | null,
): Promise<void> {
  await createDraft(hub, token, id, version, {
    "w.bin": `weights of ${id} ${version}`,
    ...(card === null ? {} : { "README.md": readme(card) }),
  });
  await expectStatus(
    hub.request("POST", `/api/models/${id}/versions/${version}/publish`, { token }),
    200,
  );
}

/** Moves a published version to `stage`; the test hubs run without release rules. */
export async function moveTo(
  hub: TestHub,
  token: string,
  id: string,
  version: string,
  stage: string,
): Promise<void> {
  await expectStatus(
    hub.request("POST", `/api/models/${id}/versions/${version}/transitions`, {
      token,
      json: { to: stage, reason: "a test moves it" },
    }),
    200,
  );
}

/** An entry of `GET /api/models`, with the fields these tests read. */
export interface ListedModel {
  readonly id: string;
  readonly downloads: number;
  readonly tags: string[];
  readonly createdAt: string;
  readonly lastModified: string;
  readonly sha?: string;
  readonly cardData?: Record<string, unknown>;
  readonly gatehouse: {
    readonly stage: string | null;
    readonly version: string | null;
    readonly riskTier: string | null;
    readonly license: string | null;
    readonly updatedAt: string | null;
  };
}

/** Every page of `GET /api/models?{query}`, following the Link header; with the first page's total. */
export async function listAll(
  hub: TestHub,
  query: string,
  token?: string,
): Promise<{ models: ListedModel[]; total: string | null; pages: number }> {
  const models: ListedModel[] = [];
  let next: string | null = `${hub.url}/api/models?${query}`;
  let total: string | null = null;
  let pages = 0;
  while (next !== null) {
    const res: Response = await expectStatus(
      fetch(next, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }),
      200,
    );
    total ??= res.headers.get("x-total-count");
    pages += 1;
    models.push(...((await res.json()) as ListedModel[]));
    next = nextLink(res.headers.get("link"));
  }
  return { models, total, pages };
}
