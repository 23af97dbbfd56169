import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { askAccess, gatedCard, publishGated } from "../access/gate-support.js";
import { expectError, expectStatus, sha256 } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { ok, refused, runPythonCalls, type Call } from "./python-client.js";

const WEIGHTS = "gated weights ".repeat(2000);

for (const dialect of DIALECTS) {
  describe(`huggingface_hub and a gated model: refused, requested, approved, accepted, revoked (${dialect})`, () => {
    let hub: TestHub;
    let home: string;
    let alice: string;
    let bob: string;
    const clock = new ManualClock("2026-06-01T09:00:00.000Z");

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      home = await mkdtemp(path.join(tmpdir(), "gatehouse-hfpy-gated-"));
      alice = await hub.createUser("alice");
      bob = await hub.createUser("bob");
      await publishGated(hub, alice, "alice/llm", "v1", {
        "README.md": gatedCard({ grant_duration: "30d" }),
        "weights.bin": WEIGHTS,
      });
    });
    after(async () => {
      await hub.close();
      await rm(home, { recursive: true, force: true });
    });

    const py = (calls: Call[]) => runPythonCalls(hub.url, home, calls);
    const download = (token: string | null): Call => ({
      op: "hf_hub_download",
      repo: "alice/llm",
      filename: "weights.bin",
      token,
    });

    it("raises GatedRepoError before access, lists and accepts the request as the owner, downloads after, and raises again once rejected or expired", async () => {
      const [anonymous, noGrant, info] = await py([
        download(null),
        download(bob),
        { op: "model_info", repo: "alice/llm", token: null },
      ]);
      refused(anonymous, "GatedRepoError", 401);
      refused(noGrant, "GatedRepoError", 403);
      assert.equal(ok(info).private, false);

      await expectStatus(askAccess(hub, bob, "alice/llm"), 202);
      const [pending, accepted] = await py([
        { op: "list_access_requests", repo: "alice/llm", status: "pending", token: alice },
        { op: "accept_access_request", repo: "alice/llm", user: "bob", token: alice },
      ]);
      const requests = ok(pending).requests as {
        username: string;
        fields: Record<string, unknown>;
      }[];
      assert.deepEqual(
        requests.map((r) => r.username),
        ["bob"],
      );
      assert.equal(requests[0]?.fields["Country"], "GB");
      ok(accepted);

      const [got, listed] = await py([
        download(bob),
        { op: "list_access_requests", repo: "alice/llm", status: "accepted", token: alice },
      ]);
      assert.equal(ok(got).sha256, sha256(WEIGHTS));
      assert.deepEqual(
        (ok(listed).requests as { username: string }[]).map((r) => r.username),
        ["bob"],
      );

      // Rejecting an accepted user revokes the grant: the next download is refused, a resumed one too.
      const [rejected, afterReject, ownDecision] = await py([
        {
          op: "reject_access_request",
          repo: "alice/llm",
          user: "bob",
          reason: "licence breach",
          token: alice,
        },
        download(bob),
        { op: "accept_access_request", repo: "alice/llm", user: "bob", token: bob },
      ]);
      ok(rejected);
      refused(afterReject, "GatedRepoError", 403);
      refused(ownDecision, "HfHubHTTPError", 403);
      await expectError(
        hub.request("GET", "/alice/llm/resolve/main/weights.bin", {
          token: bob,
          headers: { range: "bytes=100-" },
        }),
        403,
        "GATED",
      );

      // A grant by the owner lasts the gate's 30 days; on the 31st the client is refused again.
      const [granted] = await py([
        { op: "grant_access", repo: "alice/llm", user: "bob", token: alice },
      ]);
      ok(granted);
      const [again] = await py([download(bob)]);
      assert.equal(ok(again).sha256, sha256(WEIGHTS));
      clock.advance(31 * 86_400);
      const [expired] = await py([download(bob)]);
      refused(expired, "GatedRepoError", 403);
    });
  });
}
