import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createModel, expectError, expectStatus, sha256 } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { askAccess, gatedCard, publishGated } from "./gate-support.js";

const DAY = 86_400;

interface Standing {
  model: string;
  version: string;
  request: {
    status: string;
    version: string | null;
    rejectionReason: string | null;
    reapplyAt: string | null;
  } | null;
  grant: {
    grantee: string;
    granteeKind: string;
    version: string | null;
    status: string;
    expiresAt: string | null;
  } | null;
  licence: { id: string; sha256: string; acceptanceRequired: boolean; accepted: boolean };
  canDownload: boolean;
}

for (const dialect of DIALECTS) {
  describe(`a caller's own standing with a gated model (${dialect})`, () => {
    let hub: TestHub;
    let owner: string;
    let reviewer: string;
    let ada: string;
    let bob: string;
    let carl: string;
    const clock = new ManualClock("2026-06-01T09:00:00.000Z");

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      owner = await hub.createUser("olive");
      reviewer = await hub.createUser("rita");
      ada = await hub.createUser("ada");
      bob = await hub.createUser("bob");
      carl = await hub.createUser("carl");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "labs" } }),
        201,
      );
      for (const [user, role] of [
        ["rita", "reviewer"],
        ["carl", "member"],
      ] as const) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/labs/members/${user}`, { token: owner, json: { role } }),
          200,
        );
      }
      await publishGated(hub, owner, "labs/llm", "v1", {
        "README.md": gatedCard({ grant_duration: "10d" }),
        "weights.bin": "weights one",
      });
    });
    after(() => hub.close());

    const standing = async (token: string, query = ""): Promise<Standing> => {
      const res = await expectStatus(
        hub.request("GET", `/api/models/labs/llm/access/mine${query}`, { token }),
        200,
      );
      return (await res.json()) as Standing;
    };

    it("tells a stranger they have asked for nothing, hold nothing and may not download", async () => {
      const mine = await standing(bob);
      assert.equal(mine.model, "labs/llm");
      assert.equal(mine.version, "v1");
      assert.equal(mine.request, null);
      assert.equal(mine.grant, null);
      assert.equal(mine.licence.id, "llama3");
      assert.equal(mine.licence.acceptanceRequired, true);
      assert.equal(mine.licence.accepted, false);
      assert.equal(mine.canDownload, false);
      const form = (await (
        await expectStatus(hub.request("GET", "/api/models/labs/llm/access/form"), 200)
      ).json()) as { licence: { sha256: string } };
      assert.equal(mine.licence.sha256, form.licence.sha256);
    });

    it("shows a pending request with the licence accepted at submission, then the live grant once approved", async () => {
      await expectStatus(askAccess(hub, ada, "labs/llm"), 202);
      const pending = await standing(ada);
      assert.equal(pending.request?.status, "pending");
      assert.equal(pending.request.version, "v1");
      assert.equal(pending.grant, null);
      assert.equal(pending.licence.accepted, true);
      assert.equal(pending.canDownload, false);

      await expectStatus(
        hub.request("POST", "/api/models/labs/llm/user-access-request/handle", {
          token: reviewer,
          json: { user: "ada", status: "accepted" },
        }),
        200,
      );
      const approved = await standing(ada);
      assert.equal(approved.request?.status, "accepted");
      assert.equal(approved.grant?.status, "live");
      assert.equal(approved.grant.grantee, "ada");
      assert.equal(approved.grant.granteeKind, "user");
      assert.equal(approved.grant.version, null);
      assert.equal(
        approved.grant.expiresAt,
        new Date(clock.now().getTime() + 10 * DAY * 1000).toISOString(),
      );
      assert.equal(approved.canDownload, true);
    });

    it("asks a grant holder to accept a newer version's different licence text, and lets them download once they do", async () => {
      clock.advance(60);
      await publishGated(
        hub,
        owner,
        "labs/llm",
        "v2",
        {
          "README.md": gatedCard({ grant_duration: "10d" }),
          LICENSE: "The second licence: be kind.\n",
          "weights.bin": "weights two",
        },
        false,
      );
      const newer = await standing(ada);
      assert.equal(newer.version, "v2");
      assert.equal(newer.grant?.status, "live");
      assert.equal(newer.licence.sha256, sha256("The second licence: be kind.\n"));
      assert.equal(newer.licence.accepted, false);
      assert.equal(newer.canDownload, false);
      const older = await standing(ada, "?revision=v1");
      assert.equal(older.version, "v1");
      assert.equal(older.licence.accepted, true);
      assert.equal(older.canDownload, true);

      await expectStatus(
        hub.request("POST", "/api/models/labs/llm/access/accept", {
          token: ada,
          json: { revision: "v2" },
        }),
        200,
      );
      const accepted = await standing(ada);
      assert.equal(accepted.licence.accepted, true);
      assert.equal(accepted.canDownload, true);
      await expectStatus(
        hub.request("GET", "/labs/llm/resolve/v2/weights.bin", { token: ada }),
        200,
      );
    });

    it("reports a grant that expired as expired, and no longer downloadable", async () => {
      clock.advance(11 * DAY);
      const mine = await standing(ada);
      assert.equal(mine.grant?.status, "expired");
      assert.equal(mine.request?.status, "accepted");
      assert.equal(mine.canDownload, false);
    });

    it("shows a rejection with its reason and when the requester may ask again", async () => {
      await expectStatus(askAccess(hub, bob, "labs/llm"), 202);
      await expectStatus(
        hub.request("POST", "/api/models/labs/llm/user-access-request/handle", {
          token: reviewer,
          json: { user: "bob", status: "rejected", rejectionReason: "not a research use" },
        }),
        200,
      );
      const mine = await standing(bob);
      assert.equal(mine.request?.status, "rejected");
      assert.equal(mine.request.rejectionReason, "not a research use");
      assert.equal(mine.request.reapplyAt, null);
      assert.equal(mine.grant, null);
      assert.equal(mine.canDownload, false);
    });

    it("counts an organisation's grant for its members, who still accept the licence themselves", async () => {
      await expectStatus(
        hub.request("POST", "/api/models/labs/llm/user-access-request/grant", {
          token: reviewer,
          json: { user: "labs" },
        }),
        200,
      );
      const mine = await standing(carl);
      assert.equal(mine.request, null);
      assert.equal(mine.grant?.grantee, "labs");
      assert.equal(mine.grant.granteeKind, "org");
      assert.equal(mine.grant.status, "live");
      assert.equal(mine.licence.accepted, false);
      assert.equal(mine.canDownload, false);
    });

    it("lets the model's owner download without a grant", async () => {
      const mine = await standing(owner);
      assert.equal(mine.request, null);
      assert.equal(mine.canDownload, true);
    });

    it("refuses anonymous callers 401, a model with no gated version 400, and an unknown revision 404", async () => {
      const anonymous = await expectError(
        hub.request("GET", "/api/models/labs/llm/access/mine"),
        401,
        "UNAUTHENTICATED",
      );
      assert.match(anonymous.error, /sign in/);
      await createModel(hub, owner, "labs/open-model", "open");
      const notGated = await expectError(
        hub.request("GET", "/api/models/labs/open-model/access/mine", { token: bob }),
        400,
        "BAD_REQUEST",
      );
      assert.match(notGated.error, /labs\/open-model is not gated/);
      await expectError(
        hub.request("GET", "/api/models/labs/llm/access/mine?revision=v9", { token: bob }),
        404,
        "REVISION_NOT_FOUND",
      );
    });

    it("answers for a model the caller may not see exactly as for one that does not exist", async () => {
      await createModel(hub, owner, "labs/hidden", "private");
      const hidden = await hub.request("GET", "/api/models/labs/hidden/access/mine", {
        token: bob,
      });
      const missing = await hub.request("GET", "/api/models/labs/nothing/access/mine", {
        token: bob,
      });
      assert.equal(hidden.status, 404);
      assert.equal(missing.status, hidden.status);
      const strip = (text: string) =>
        text
          .replaceAll("hidden", "NAME")
          .replaceAll("nothing", "NAME")
          .replace(/"requestId":"[^"]*"/, "");
      assert.equal(strip(await hidden.text()), strip(await missing.text()));
    });
  });
}
