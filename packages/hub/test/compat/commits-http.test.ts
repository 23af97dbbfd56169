import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { publishVersion } from "./private-model.js";

/** A version as the Gatehouse API gives it: what its commit entry is built from. */
interface Published {
  readonly name: string;
  readonly sha: string;
  readonly publishedAt: string;
}

/** The commit entry the Hugging Face Hub shape asks for, as this hub should give it for `v`. */
const entry = (v: Published, user: string) => ({
  id: v.sha,
  title: `Version ${v.name}`,
  message: "",
  authors: [{ user }],
  date: v.publishedAt,
});

for (const dialect of DIALECTS) {
  describe(`GET /api/models/{id}/commits/{rev} (${dialect})`, () => {
    let hub: TestHub;
    let owner: string;
    let maintainer: string;
    let stranger: string;
    const versions: Published[] = [];
    let v1: Published;
    let v2: Published;
    let v3: Published;

    /** A GET by the model's owner. */
    const commits = (path: string) => hub.request("GET", `/api/models/${path}`, { token: owner });

    const published = async (repo: string, name: string): Promise<Published> => {
      const res = await expectStatus(
        hub.request("GET", `/api/models/${repo}/versions/${name}`, { token: owner }),
        200,
      );
      const body = (await res.json()) as { name: string; sha: string; publishedAt: string };
      return { name: body.name, sha: body.sha, publishedAt: body.publishedAt };
    };

    before(async () => {
      hub = await startHub(dialect);
      owner = await hub.createUser("olivia");
      maintainer = await hub.createUser("mario");
      stranger = await hub.createUser("stan");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "lab" } }),
        201,
      );
      await expectStatus(
        hub.request("PUT", "/api/orgs/lab/members/mario", {
          token: owner,
          json: { role: "maintainer" },
        }),
        200,
      );
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: owner,
          json: { id: "lab/history", visibility: "private" },
        }),
        201,
      );
      // v2 is published by another member than the model's other versions.
      for (const [name, token] of [
        ["v1", owner],
        ["v2", maintainer],
        ["v3", owner],
      ] as const) {
        await publishVersion(hub, token, "lab/history", name, {
          "weights.bin": Buffer.from(`weights of ${name}`),
        });
        versions.push(await published("lab/history", name));
      }
      [v1, v2, v3] = versions as [Published, Published, Published];
      // A draft is no commit.
      await expectStatus(
        hub.request("POST", "/api/models/lab/history/versions", {
          token: owner,
          json: { name: "v4" },
        }),
        201,
      );
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: owner,
          json: { id: "lab/empty", visibility: "private" },
        }),
        201,
      );
    });
    after(() => hub.close());

    it("lists every published version from main, newest first, with its publisher", async () => {
      const res = await expectStatus(commits("lab/history/commits/main"), 200);
      assert.equal(res.headers.get("link"), null);
      assert.deepEqual(await res.json(), [
        entry(v3, "olivia"),
        entry(v2, "mario"),
        entry(v1, "olivia"),
      ]);
    });

    it("starts from an older version named by its name or its commit id", async () => {
      const byName = await expectStatus(commits("lab/history/commits/v2"), 200);
      assert.deepEqual(await byName.json(), [entry(v2, "mario"), entry(v1, "olivia")]);
      const byCommit = await expectStatus(commits(`lab/history/commits/${v1.sha}`), 200);
      assert.deepEqual(await byCommit.json(), [entry(v1, "olivia")]);
    });

    it("pages with limit and an absolute Link to the commit the next page starts from", async () => {
      const first = await expectStatus(commits("lab/history/commits/main?limit=2"), 200);
      assert.deepEqual(await first.json(), [entry(v3, "olivia"), entry(v2, "mario")]);
      const next = `${hub.url}/api/models/lab/history/commits/${v1.sha}?limit=2`;
      assert.equal(first.headers.get("link"), `<${next}>; rel="next"`);
      const last = await expectStatus(
        hub.request("GET", next.slice(hub.url.length), { token: owner }),
        200,
      );
      assert.deepEqual(await last.json(), [entry(v1, "olivia")]);
      assert.equal(last.headers.get("link"), null);
    });

    it("adds the HTML-formatted title and message when asked with expand[]=formatted", async () => {
      const res = await expectStatus(
        commits(`lab/history/commits/${v1.sha}?expand[]=formatted`),
        200,
      );
      assert.deepEqual(await res.json(), [
        { ...entry(v1, "olivia"), formatted: { title: "Version v1", message: "" } },
      ]);
    });

    it("refuses a draft, an unknown revision and a model with nothing published as a missing revision", async () => {
      const draft = await expectError(commits("lab/history/commits/v4"), 404, "REVISION_NOT_FOUND");
      assert.equal(
        draft.error,
        'Invalid rev id: v4: lab/history has no published version or commit "v4"',
      );
      const unknown = await expectError(
        commits(`lab/history/commits/${"0".repeat(40)}`),
        404,
        "REVISION_NOT_FOUND",
      );
      assert.match(unknown.error, /has no published version or commit "0{40}"$/);
      const empty = await expectError(commits("lab/empty/commits/main"), 404, "REVISION_NOT_FOUND");
      assert.equal(empty.error, "Invalid rev id: main: lab/empty has no published version yet");
    });

    it("refuses a limit out of range with a 400 that names it", async () => {
      const body = await expectError(
        commits("lab/history/commits/main?limit=0"),
        400,
        "BAD_REQUEST",
      );
      assert.match(body.error, /limit/);
    });

    it("answers a stranger and an anonymous caller exactly as for a missing model", async () => {
      for (const token of [stranger, undefined]) {
        const probe = async (model: string) => {
          const res = await hub.request("GET", `/api/models/lab/${model}/commits/main`, {
            ...(token === undefined ? {} : { token }),
            headers: { "x-request-id": "commits-probe" },
          });
          return {
            status: res.status,
            code: res.headers.get("x-error-code"),
            body: (await res.text()).replaceAll(model, "<model>"),
          };
        };
        const hidden = await probe("history");
        assert.equal(hidden.status, token === undefined ? 401 : 404, hidden.body);
        assert.equal(hidden.code, "RepoNotFound");
        assert.match(hidden.body, /Repository not found: lab\/<model>\./);
        assert.deepEqual(hidden, await probe("ghost"));
      }
    });
  });
}
