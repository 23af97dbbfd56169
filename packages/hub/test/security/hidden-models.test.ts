import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { createModel, createToken, expectStatus } from "./support.js";

/** Headers that legitimately differ between any two answers. */
const VOLATILE = new Set(["date", "connection", "keep-alive"]);

interface Snapshot {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function snapshot(res: Response): Promise<Snapshot> {
  const headers: Record<string, string> = {};
  for (const [name, value] of res.headers) {
    if (!VOLATILE.has(name)) {
      headers[name] = value;
    }
  }
  return { status: res.status, headers, body: await res.text() };
}

/** Every route that names a model, with the method and body a client would send. */
const PROBES: readonly {
  readonly what: string;
  readonly method: string;
  readonly path: string;
  readonly json?: unknown;
  readonly body?: string;
}[] = [
  { what: "model info", method: "GET", path: "/api/models/acme/ghost" },
  { what: "model info at a revision", method: "GET", path: "/api/models/acme/ghost/revision/main" },
  { what: "model info at a version", method: "GET", path: "/api/models/acme/ghost/revision/v1" },
  { what: "a file download", method: "GET", path: "/acme/ghost/resolve/main/weights.bin" },
  { what: "a file's headers", method: "HEAD", path: "/acme/ghost/resolve/main/weights.bin" },
  { what: "a file's LFS pointer", method: "GET", path: "/acme/ghost/raw/main/weights.bin" },
  { what: "the file tree", method: "GET", path: "/api/models/acme/ghost/tree/main" },
  { what: "a folder of the tree", method: "GET", path: "/api/models/acme/ghost/tree/main/sub" },
  {
    what: "paths-info",
    method: "POST",
    path: "/api/models/acme/ghost/paths-info/main",
    json: { paths: ["weights.bin"] },
  },
  { what: "auth-check", method: "GET", path: "/api/models/acme/ghost/auth-check" },
  { what: "the version list", method: "GET", path: "/api/models/acme/ghost/versions" },
  { what: "one version", method: "GET", path: "/api/models/acme/ghost/versions/v1" },
  {
    what: "creating a version",
    method: "POST",
    path: "/api/models/acme/ghost/versions",
    json: { name: "v2" },
  },
  {
    what: "an upload",
    method: "PUT",
    path: "/api/models/acme/ghost/versions/v1/files/x.bin",
    body: "bytes",
  },
  {
    what: "attaching files",
    method: "POST",
    path: "/api/models/acme/ghost/versions/v1/files",
    json: { files: [] },
  },
  {
    what: "deleting a file",
    method: "DELETE",
    path: "/api/models/acme/ghost/versions/v1/files/weights.bin",
  },
  { what: "publishing", method: "POST", path: "/api/models/acme/ghost/versions/v1/publish" },
  { what: "deleting the model", method: "DELETE", path: "/api/models/acme/ghost" },
];

for (const dialect of DIALECTS) {
  describe(`a private model's existence never leaks (${dialect})`, () => {
    let hub: TestHub;
    let owner: string;
    let outsider: string;
    let restricted: string;
    /** Answers for acme/ghost before it existed, by caller and probe. */
    const missing = new Map<string, Snapshot>();

    const probe = (
      p: (typeof PROBES)[number],
      caller: string,
      token: string | undefined,
    ): Promise<Response> =>
      hub.request(p.method, p.path, {
        ...(token === undefined ? {} : { token }),
        ...(p.json === undefined ? {} : { json: p.json }),
        ...(p.body === undefined ? {} : { body: p.body }),
        headers: { "x-request-id": `probe-${caller}-${p.what.replace(/\W+/g, "-")}` },
      });

    const callers = (): [string, string | undefined][] => [
      ["anonymous", undefined],
      ["outsider", outsider],
      ["restricted", restricted],
    ];

    before(async () => {
      hub = await startHub(dialect);
      owner = await hub.createUser("olivia");
      outsider = await hub.createUser("nick");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await createModel(hub, owner, "acme/other", "open");
      restricted = (
        await createToken(hub, owner, { scopes: ["read", "write"], model: "acme/other" })
      ).token;
      for (const p of PROBES) {
        for (const [caller, token] of callers()) {
          missing.set(`${caller} ${p.what}`, await snapshot(await probe(p, caller, token)));
        }
      }
      // Now the same name exists, private, with a published version, a draft and the probed file.
      await createModel(hub, owner, "acme/ghost", "private", {
        "weights.bin": "secret weights",
        "sub/a.txt": "a",
      });
      await expectStatus(
        hub.request("POST", "/api/models/acme/ghost/versions", {
          token: owner,
          json: { name: "draft" },
        }),
        201,
      );
    });
    after(() => hub.close());

    it("answers a missing model 401 to anonymous callers and 404 to signed-in ones", () => {
      for (const p of PROBES) {
        assert.equal(missing.get(`anonymous ${p.what}`)?.status, 401, p.what);
        assert.equal(missing.get(`outsider ${p.what}`)?.status, 404, p.what);
        assert.equal(missing.get(`restricted ${p.what}`)?.status, 404, p.what);
        assert.equal(
          missing.get(`outsider ${p.what}`)?.headers["x-error-code"],
          "RepoNotFound",
          p.what,
        );
      }
    });

    for (const p of PROBES) {
      for (const caller of ["anonymous", "outsider", "restricted"]) {
        it(`answers ${p.what} of a private model to ${caller === "restricted" ? "a token restricted to another model" : `an ${caller}`} byte for byte as for a missing one`, async () => {
          const token = callers().find(([c]) => c === caller)?.[1];
          const hidden = await snapshot(await probe(p, caller, token));
          assert.deepEqual(hidden, missing.get(`${caller} ${p.what}`));
        });
      }
    }

    it("still serves the private model to its owner, so the probes above hit a real model", async () => {
      await expectStatus(hub.request("GET", "/api/models/acme/ghost", { token: owner }), 200);
      const file = await expectStatus(
        hub.request("GET", "/acme/ghost/resolve/main/weights.bin", { token: owner }),
        200,
      );
      assert.equal(await file.text(), "secret weights");
    });

    it("does not list a private model to those who may not see it", async () => {
      for (const [, token] of callers()) {
        const res = await expectStatus(
          hub.request("GET", "/api/models?author=acme", token === undefined ? {} : { token }),
          200,
        );
        const ids = ((await res.json()) as { id: string }[]).map((m) => m.id);
        assert.ok(!ids.includes("acme/ghost"), ids.join(", "));
      }
    });

    it("refuses a token restricted to a private model the caller cannot see as if it did not exist", async () => {
      const tryFor = async (model: string) => {
        const res = await hub.request("POST", "/api/tokens", {
          token: outsider,
          json: { scopes: ["read"], model },
          headers: { "x-request-id": "token-probe" },
        });
        const snap = await snapshot(res);
        const message = snap.headers["x-error-message"] ?? "";
        return {
          ...snap,
          headers: { ...snap.headers, "x-error-message": message.replaceAll(model, "<model>") },
          body: snap.body.replaceAll(model, "<model>"),
        };
      };
      const hidden = await tryFor("acme/ghost");
      assert.equal(hidden.status, 404, hidden.body);
      // Same length, so that Content-Length cannot tell them apart either.
      assert.deepEqual(hidden, await tryFor("acme/spook"));
    });
  });
}
