import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { auditCount, createModel, expectError, expectStatus } from "./support.js";

/**
 * Names are ASCII, so a model has one spelling. `toLowerCase` folds the Kelvin
 * sign (U+212A) to `k`, so `s\u212Aorg` once reached `skorg`; any name that
 * breaks the rules must name nothing, like an unknown one.
 */
const KELVIN = "s\u212Aorg";
const K = encodeURIComponent(KELVIN);

for (const dialect of DIALECTS) {
  describe(`a model answers to one spelling only (${dialect})`, () => {
    let hub: TestHub;
    let owner: string;
    before(async () => {
      hub = await startHub(dialect);
      owner = await hub.createUser("owner");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "skorg" } }),
        201,
      );
      await createModel(hub, owner, "skorg/m", "open", { "f.bin": "open bytes" });
      await expectStatus(
        hub.request("POST", "/api/models/skorg/m/versions", { token: owner, json: { name: "d" } }),
        201,
      );
    });
    after(() => hub.close());

    it("serves the model under its ASCII name, in any case", async () => {
      await expectStatus(hub.request("GET", "/api/models/skorg/m"), 200);
      await expectStatus(hub.request("GET", "/api/models/SKORG/M"), 200);
    });

    for (const [what, method, path, init] of [
      ["model info", "GET", `/api/models/${K}/m`, {}],
      ["a download", "GET", `/${K}/m/resolve/main/f.bin`, {}],
      ["the tree", "GET", `/api/models/${K}/m/tree/main`, {}],
      ["auth-check", "GET", `/api/models/${K}/m/auth-check`, {}],
      ["the versions", "GET", `/api/models/${K}/m/versions`, {}],
      ["creating a version", "POST", `/api/models/${K}/m/versions`, { json: { name: "v9" } }],
      ["an upload", "PUT", `/api/models/${K}/m/versions/d/files/x.bin`, { body: "x" }],
      [
        "a model name with the Kelvin sign",
        "GET",
        `/api/models/skorg/${encodeURIComponent("\u212A")}`,
        {},
      ],
    ] as const) {
      it(`answers ${what} under a non-ASCII spelling as for a model that does not exist`, async () => {
        const before = await auditCount(hub);
        const res = await hub.request(method, path, { token: owner, ...init });
        assert.equal(res.headers.get("x-error-code"), "RepoNotFound");
        const body = await expectError(Promise.resolve(res), 404, "REPO_NOT_FOUND");
        assert.match(
          body.error,
          /^Repository not found: .*\. It does not exist or your token may not read it\.$/,
        );
        assert.equal(await auditCount(hub), before);
      });
    }

    it("answers anonymous callers 401 RepoNotFound for the non-ASCII spelling of an open model", async () => {
      await expectError(hub.request("GET", `/api/models/${K}/m`), 401, "REPO_NOT_FOUND");
    });

    it("knows no organisation, user or model by a non-ASCII spelling elsewhere", async () => {
      const members = await expectError(
        hub.request("GET", `/api/orgs/${K}/members`, { token: owner }),
        404,
        "NOT_FOUND",
      );
      assert.equal(members.error, `organisation "${KELVIN}" does not exist`);
      const model = await expectError(
        hub.request("POST", "/api/models", { token: owner, json: { id: `${KELVIN}/new` } }),
        404,
        "NOT_FOUND",
      );
      assert.equal(model.error, `no user or organisation is named "${KELVIN}"`);
      const token = await expectError(
        hub.request("POST", "/api/tokens", {
          token: owner,
          json: { scopes: ["read"], model: `${KELVIN}/m` },
        }),
        404,
        "NOT_FOUND",
      );
      assert.equal(token.error, `model "${KELVIN}/m" does not exist`);
    });

    it("lists nothing for a non-ASCII author or search", async () => {
      for (const query of [`author=${K}`, `search=${K}`]) {
        const res = await expectStatus(hub.request("GET", `/api/models?${query}`), 200);
        assert.deepEqual(await res.json(), [], query);
      }
      const ascii = await expectStatus(hub.request("GET", "/api/models?search=SKORG"), 200);
      assert.deepEqual(
        ((await ascii.json()) as { id: string }[]).map((m) => m.id),
        ["skorg/m"],
      );
    });
  });
}
