import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import type { RouteEntry } from "../../src/http/index.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { exampleOf } from "../support/schema-example.js";
import { createDraft, createModel, createToken, expectStatus } from "./support.js";

/**
 * Generated requests against every route, as an anonymous caller, a
 * maintainer's token restricted to an open model, and an administrator. None may answer 5xx; a
 * private model must answer exactly as a missing one to those who may not see
 * it; and a refused request must leave the store as it was.
 *
 * Seeded: a failure prints its seed and path, and
 * `GATEHOUSE_FUZZ_SEED=<seed> GATEHOUSE_FUZZ_PATH=<path>` replays it;
 * `GATEHOUSE_FUZZ_RUNS` sets the number of cases per caller.
 */
const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.GATEHOUSE_FUZZ_RUNS ?? 120);
const REPLAY = process.env.GATEHOUSE_FUZZ_PATH;

const HIDDEN = "acme/secret";
const MISSING = "acme/absent";
const SANDBOX = "admin/sandbox";

type Caller = "anonymous" | "restricted" | "admin";

/** A URL segment: text encoded as a client would, or raw bytes a client should not send. */
const segment = (typical: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...typical) },
    {
      weight: 2,
      arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }).map(encodeURIComponent),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map(encodeURIComponent) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "%FF",
        "%",
        "%2F",
        "..",
        "%2e%2e",
        "%00",
        "a%2Fb",
        "%E2%84%AA",
        ".git",
        "CON",
      ),
    },
  );

const HEADER_TEXT = fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, ""));

/** YAML-ish text, built from the pieces that have broken card parsers. */
const CARD = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "license: mit\n",
        "tags: [a, b]\n",
        "__proto__: x\n",
        "constructor:\n  a: 1\n",
        "x: &a hi\n",
        "y: *a\n",
        "z: &b [*b]\n",
        "risk_tier: high\n",
        "model-index:\n  - name: m\n    results: []\n",
        "[[[[[[[[",
        "{a: {b: {c: ",
        "? [a, b]\n: 1\n",
        "!!binary aGk=\n",
        "\t- x\n",
        "---\n",
        ": :\n",
        "a: 9999999999999999999999\n",
        "b: .nan\n",
      ),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => `---\n${parts.join("")}\n---\n# card\n`);

interface Case {
  readonly route: number;
  readonly model: "hidden" | "missing" | "open" | "weird";
  readonly weird: string;
  readonly revision: string;
  readonly version: string;
  readonly file: string;
  readonly other: string;
  readonly query: readonly (readonly [string, string])[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body:
    | { readonly kind: "example" }
    | { readonly kind: "json"; readonly value: unknown }
    | { readonly kind: "text"; readonly value: string }
    | { readonly kind: "card"; readonly value: string }
    | { readonly kind: "bytes"; readonly value: Uint8Array };
}

const caseOf = (routes: number): fc.Arbitrary<Case> =>
  fc.record({
    route: fc.nat({ max: routes - 1 }),
    model: fc.constantFrom("hidden", "missing", "open", "weird"),
    weird: fc
      .tuple(segment(["acme", "ACME", "s\u212Aorg"]), segment(["secret", "x"]))
      .map(([a, b]) => `${a}/${b}`),
    revision: segment(["main", "v1", "HEAD", "d1", "0".repeat(40), "a".repeat(129)]),
    version: segment(["d1", "v1", "v2", "main"]),
    file: segment(["weights.bin", "README.md", "sub/a.txt", "x.bin"]),
    other: segment(["acme", "outsider", "t_0", "nobody"]),
    query: fc.array(
      fc.tuple(
        fc.constantFrom(
          "limit",
          "cursor",
          "search",
          "author",
          "recursive",
          "expand",
          "after",
          "tail",
          "user",
          "expand[]",
          "include_prs",
        ),
        fc.oneof(
          fc.constantFrom("1", "0", "-1", "1e20", "true", "99999999999999999999"),
          HEADER_TEXT,
        ),
      ),
      { maxLength: 3 },
    ),
    headers: fc.dictionary(
      fc.constantFrom(
        "range",
        "if-none-match",
        "content-type",
        "x-request-id",
        "x-forwarded-for",
        "accept",
      ),
      fc.oneof(
        fc.constantFrom("bytes=0-3", "bytes=-2", "bytes=5-1", "bytes=0-0,2-3", "*", "text/plain"),
        HEADER_TEXT,
      ),
      { maxKeys: 3 },
    ),
    body: fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: "example" as const }) },
      {
        weight: 2,
        arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: "json" as const, value })),
      },
      {
        weight: 1,
        arbitrary: fc.string({ maxLength: 200 }).map((value) => ({ kind: "text" as const, value })),
      },
      { weight: 2, arbitrary: CARD.map((value) => ({ kind: "card" as const, value })) },
      {
        weight: 1,
        arbitrary: fc
          .uint8Array({ maxLength: 2000 })
          .map((value) => ({ kind: "bytes" as const, value })),
      },
    ),
  });

/** Everything a refused request could have changed. */
async function fingerprint(hub: TestHub): Promise<string> {
  const db = hub.built.ctx.db;
  const count = async (
    table: "models" | "versions" | "version_files" | "tokens" | "org_members" | "namespaces",
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const head = await db.selectFrom("audit_head").select(["seq", "hash"]).executeTakeFirstOrThrow();
  const blobs = await readdir(hub.config.blobs.dir, { recursive: true });
  const revoked = await db
    .selectFrom("tokens")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("revoked_at", "is not", null)
    .executeTakeFirstOrThrow();
  return JSON.stringify([
    head,
    await count("models"),
    await count("versions"),
    await count("version_files"),
    await count("tokens"),
    Number(revoked.n),
    await count("org_members"),
    await count("namespaces"),
    blobs.sort(),
  ]);
}

/** The model a case names for a caller: an administrator changes only its sandbox. */
function modelFor(c: Case, caller: Caller, method: string): string {
  switch (c.model) {
    case "hidden":
      return caller === "admin" && method !== "GET" && method !== "HEAD" ? SANDBOX : HIDDEN;
    case "missing":
      return MISSING;
    case "open":
      return caller === "admin" && method !== "GET" && method !== "HEAD" ? SANDBOX : "acme/open";
    case "weird":
      return c.weird;
  }
}

function urlOf(route: RouteEntry, c: Case, model: string): string {
  const [namespace = "", name = ""] = model.split("/");
  const values: Record<string, string> = {
    namespace,
    name,
    revision: c.revision,
    version: c.version,
    "*": c.file,
    org: c.other,
    user: c.other,
    id: c.other,
  };
  const base = route.url.replace(
    /:(\w+)|\*/g,
    (_m, key: string | undefined) => values[key ?? "*"] ?? "x",
  );
  const query = c.query
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  return query === "" ? base : `${base}?${query}`;
}

interface Answer {
  readonly status: number;
  readonly code: string | null;
  readonly text: string;
}

async function send(
  hub: TestHub,
  route: RouteEntry,
  c: Case,
  url: string,
  token: string | undefined,
): Promise<Answer> {
  const headers: Record<string, string> = { ...c.headers, "x-request-id": "fuzz" };
  if (token !== undefined) {
    headers.authorization = `Bearer ${token}`;
  }
  let body: string | Uint8Array | undefined;
  if (route.method !== "GET" && route.method !== "HEAD") {
    switch (c.body.kind) {
      case "example":
        body =
          route.body === undefined
            ? undefined
            : JSON.stringify(exampleOf(route.body as Parameters<typeof exampleOf>[0]));
        headers["content-type"] ??= "application/json";
        break;
      case "json":
        body = JSON.stringify(c.body.value);
        headers["content-type"] ??= "application/json";
        break;
      case "text":
      case "card":
        body = c.body.value;
        break;
      case "bytes":
        body = c.body.value;
        break;
    }
  }
  const res = await fetch(`${hub.url}${url}`, {
    method: route.method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let code = res.headers.get("x-error-code");
  if (text.startsWith("{")) {
    try {
      code = (JSON.parse(text) as { code?: string }).code ?? code;
    } catch {
      // Not an error body: a served file that happens to start with a brace.
    }
  }
  return { status: res.status, code, text };
}

for (const dialect of DIALECTS) {
  describe(`generated requests to every route (${dialect})`, () => {
    let hub: TestHub;
    const tokens: Record<Caller, string | undefined> = {
      anonymous: undefined,
      restricted: undefined,
      admin: undefined,
    };

    before(async () => {
      hub = await startHub(dialect);
      const owner = await hub.createUser("olivia");
      await hub.createUser("outsider");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await createModel(hub, owner, HIDDEN, "private", {
        "weights.bin": "secret weights",
        "README.md": "---\nlicense: mit\n---\n# secret\n",
        "sub/a.txt": "a",
      });
      await createDraft(hub, owner, HIDDEN, "d1", { "weights.bin": "draft" });
      await createModel(hub, owner, "acme/open", "open", { "weights.bin": "open weights" });
      await createModel(hub, hub.adminToken, SANDBOX, "private", { "weights.bin": "sandbox" });
      await createDraft(hub, hub.adminToken, SANDBOX, "d1", { "x.bin": "x" });
      // A maintainer's token: it may change acme/open but not delete it, which would revoke it.
      const maintainer = await hub.createUser("max");
      await expectStatus(
        hub.request("PUT", "/api/orgs/acme/members/max", {
          token: owner,
          json: { role: "maintainer" },
        }),
        200,
      );
      tokens.restricted = (
        await createToken(hub, maintainer, { scopes: ["read", "write"], model: "acme/open" })
      ).token;
      tokens.admin = hub.adminToken;
    });
    after(() => hub.close());

    for (const caller of ["anonymous", "restricted", "admin"] as const) {
      it(`never answers 5xx, hides private models and changes nothing when it refuses, for ${caller === "admin" ? "an administrator" : caller === "restricted" ? "a token restricted to another model" : "anonymous callers"} (seed ${SEED})`, async () => {
        const routes = hub.built.routes;
        await fc.assert(
          fc.asyncProperty(caseOf(routes.length), async (c) => {
            const route = routes[c.route] ?? assert.fail("no route");
            const model = modelFor(c, caller, route.method);
            const url = urlOf(route, c, model);
            const before = await fingerprint(hub);
            const answer = await send(hub, route, c, url, tokens[caller]);
            const where = `${route.method} ${url} -> ${answer.status} ${answer.text.slice(0, 300)}`;
            assert.ok(answer.status < 500, where);
            if (answer.status >= 400) {
              assert.equal(await fingerprint(hub), before, `a refusal changed the store: ${where}`);
            }
            if (model === HIDDEN && caller !== "admin" && "model" in route.access) {
              const missing = await send(hub, route, c, urlOf(route, c, MISSING), tokens[caller]);
              assert.deepEqual(
                { ...answer, text: answer.text.replaceAll(HIDDEN, MISSING) },
                missing,
                `a private model answered unlike a missing one: ${where}`,
              );
            }
          }),
          { seed: SEED, numRuns: RUNS, ...(REPLAY === undefined ? {} : { path: REPLAY }) },
        );
      });
    }
  });
}
