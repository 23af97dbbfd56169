import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createToken, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { askAccess, gatedCard, publishGated } from "./gate-support.js";

/**
 * The gated stage over HTTP, caller by caller: who sees the model and its
 * files, who downloads (GET and a resumed Range), and who manages its access
 * requests. Written out literally, not derived from the stage table.
 */
type Caller =
  | "anonymous"
  | "stranger"
  | "pending requester"
  | "grant holder"
  | "grant holder who has not accepted the licence"
  | "expired grant holder"
  | "revoked grant holder"
  | "member of a granted organisation"
  | "grant holder's token restricted to another model"
  | "org member"
  | "org reviewer"
  | "org maintainer"
  | "signed URL of a grant holder"
  | "signed URL of a grant holder since revoked"
  | "signed URL of a grant holder since expired"
  | "signed URL with a changed path";

type Action = "model info" | "file list" | "download" | "resume" | "list requests";
const ACTIONS: readonly Action[] = [
  "model info",
  "file list",
  "download",
  "resume",
  "list requests",
];

/** "ok" is a 2xx; a refusal is its status and code. */
const OK = "ok";
const GATED401 = "401 GATED";
const GATED403 = "403 GATED";
const SIGNIN = "401 UNAUTHENTICATED";
const FORBID = "403 FORBIDDEN";
const INVALID = "403 SIGNED_URL_INVALID";

// prettier-ignore
const EXPECTED: Record<Caller, readonly string[]> = {
  "anonymous":                                         [OK, OK, GATED401, GATED401, SIGNIN],
  "stranger":                                          [OK, OK, GATED403, GATED403, FORBID],
  "pending requester":                                 [OK, OK, GATED403, GATED403, FORBID],
  "grant holder":                                      [OK, OK, OK, OK, FORBID],
  "grant holder who has not accepted the licence":     [OK, OK, GATED403, GATED403, FORBID],
  "expired grant holder":                              [OK, OK, GATED403, GATED403, FORBID],
  "revoked grant holder":                              [OK, OK, GATED403, GATED403, FORBID],
  "member of a granted organisation":                  [OK, OK, OK, OK, FORBID],
  "grant holder's token restricted to another model":  [OK, OK, GATED403, GATED403, FORBID],
  "org member":                                        [OK, OK, GATED403, GATED403, FORBID],
  "org reviewer":                                      [OK, OK, GATED403, GATED403, OK],
  "org maintainer":                                    [OK, OK, OK, OK, OK],
  // A signed URL stands for its grantee on its one file; anything else is asked anonymously.
  "signed URL of a grant holder":                      [OK, OK, OK, OK, SIGNIN],
  "signed URL of a grant holder since revoked":        [OK, OK, GATED403, GATED403, SIGNIN],
  "signed URL of a grant holder since expired":        [OK, OK, GATED403, GATED403, SIGNIN],
  "signed URL with a changed path":                    [OK, OK, INVALID, INVALID, SIGNIN],
};

const WEIGHTS = "m".repeat(2048);
const DAY = 86_400;

for (const dialect of DIALECTS) {
  describe(`the gated stage, caller by caller (${dialect})`, () => {
    let hub: TestHub;
    const tokens = new Map<Caller, string | undefined>();
    /** The signed URLs, as paths and queries on the hub, of the callers that hold one. */
    const signed = new Map<Caller, string>();
    const clock = new ManualClock("2026-06-01T09:00:00.000Z");

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      const owner = await hub.createUser("owner");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      const user = async (name: string, role?: string): Promise<string> => {
        const token = await hub.createUser(name);
        if (role !== undefined) {
          await expectStatus(
            hub.request("PUT", `/api/orgs/acme/members/${name}`, { token: owner, json: { role } }),
            200,
          );
        }
        return token;
      };
      await publishGated(hub, owner, "acme/llm", "v1", {
        "README.md": gatedCard({ grant_duration: "10d" }),
        "weights.bin": WEIGHTS,
      });
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: owner,
          json: { id: "acme/other", visibility: "open" },
        }),
        201,
      );
      const grant = (name: string, extra: Record<string, unknown> = {}) =>
        expectStatus(
          hub.request("POST", "/api/models/acme/llm/user-access-request/grant", {
            token: owner,
            json: { user: name, ...extra },
          }),
          200,
        );
      const accept = (token: string) =>
        expectStatus(
          hub.request("POST", "/api/models/acme/llm/access/accept", { token, json: {} }),
          200,
        );
      const signUrl = async (token: string): Promise<string> => {
        const res = await expectStatus(
          hub.request("POST", "/api/models/acme/llm/signed-urls", {
            token,
            json: { revision: "v1", path: "weights.bin", expiresIn: "7d" },
          }),
          201,
        );
        const { url } = (await res.json()) as { url: string };
        const parsed = new URL(url);
        return `${parsed.pathname}${parsed.search}`;
      };

      tokens.set("anonymous", undefined);
      tokens.set("stranger", await user("stranger"));
      const pending = await user("pending");
      await expectStatus(askAccess(hub, pending, "acme/llm"), 202);
      tokens.set("pending requester", pending);
      const holder = await user("holder");
      await grant("holder", { expiresIn: "30d" });
      await accept(holder);
      tokens.set("grant holder", holder);
      signed.set("signed URL of a grant holder", await signUrl(holder));
      signed.set(
        "signed URL with a changed path",
        (await signUrl(holder)).replace("/weights.bin?", "/README.md?"),
      );
      const restricted = await createToken(hub, holder, { scopes: ["read"], model: "acme/other" });
      tokens.set("grant holder's token restricted to another model", restricted.token);
      const unaccepted = await user("unaccepted");
      await grant("unaccepted");
      tokens.set("grant holder who has not accepted the licence", unaccepted);
      const expired = await user("expired");
      await grant("expired", { expiresIn: "1d" });
      await accept(expired);
      tokens.set("expired grant holder", expired);
      signed.set("signed URL of a grant holder since expired", await signUrl(expired));
      const revoked = await user("revoked");
      await grant("revoked");
      await accept(revoked);
      signed.set("signed URL of a grant holder since revoked", await signUrl(revoked));
      await expectStatus(
        hub.request("POST", "/api/models/acme/llm/access/revoke", {
          token: owner,
          json: { user: "revoked", reason: "matrix" },
        }),
        200,
      );
      tokens.set("revoked grant holder", revoked);
      const labber = await user("labber");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: labber, json: { name: "lab" } }),
        201,
      );
      const colleague = await hub.createUser("colleague");
      await expectStatus(
        hub.request("PUT", "/api/orgs/lab/members/colleague", {
          token: labber,
          json: { role: "member" },
        }),
        200,
      );
      await grant("lab");
      await accept(colleague);
      tokens.set("member of a granted organisation", colleague);
      tokens.set("org member", await user("member", "member"));
      tokens.set("org reviewer", await user("reviewer", "reviewer"));
      tokens.set("org maintainer", await user("maintainer", "maintainer"));
      // The one-day grant has ended; the 10- and 30-day ones have not.
      clock.advance(2 * DAY);
    });
    after(() => hub.close());

    async function attempt(
      action: Action,
      token: string | undefined,
      signedUrl: string | undefined,
    ): Promise<string> {
      const auth = token === undefined ? {} : { token };
      const file = signedUrl ?? "/acme/llm/resolve/main/weights.bin";
      const res = await {
        "model info": () => hub.request("GET", "/api/models/acme/llm", auth),
        "file list": () => hub.request("GET", "/api/models/acme/llm/tree/main", auth),
        download: () => hub.request("GET", file, auth),
        resume: () => hub.request("GET", file, { ...auth, headers: { range: "bytes=1024-" } }),
        "list requests": () =>
          hub.request("GET", "/api/models/acme/llm/user-access-request/pending", auth),
      }[action]();
      const text = await res.text();
      if (res.ok) {
        if (action === "download") {
          assert.equal(text, WEIGHTS);
        }
        if (action === "resume") {
          assert.equal(res.status, 206);
          assert.equal(text, WEIGHTS.slice(1024));
        }
        return OK;
      }
      const code = (JSON.parse(text) as { code: string }).code;
      if (code === "GATED") {
        assert.equal(res.headers.get("x-error-code"), "GatedRepo");
      }
      return `${res.status} ${code}`;
    }

    for (const [caller, row] of Object.entries(EXPECTED) as [Caller, readonly string[]][]) {
      ACTIONS.forEach((action, i) => {
        it(`${caller}: ${action} is ${row[i] === OK ? "allowed" : `refused (${row[i] ?? ""})`}`, async () => {
          assert.equal(await attempt(action, tokens.get(caller), signed.get(caller)), row[i]);
        });
      });
    }
  });
}
