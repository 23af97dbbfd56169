import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { spawnHub } from "../crash/spawned-hub.js";
import { auditCount, createDraft, expectError, expectStatus, sha256 } from "../security/support.js";
import { DIALECTS, POSTGRES_URL, startHub, type TestHub } from "../support/harness.js";
import { ManualClock } from "../support/manual-clock.js";
import { GOOD_ANSWERS, askAccess, gatedCard, publishGated } from "./gate-support.js";

const WEIGHTS = "w".repeat(4096);
const DAY = 86_400;

interface HfItem {
  readonly user: { user: string; fullname: string };
  readonly status: string;
  readonly timestamp: string;
  readonly fields: Record<string, unknown>;
}

for (const dialect of DIALECTS) {
  describe(`gated access: requests, grants and licence acceptance (${dialect})`, () => {
    let hub: TestHub;
    let alice: string;
    let rita: string;
    let carl: string;
    let bob: string;
    let dora: string;
    const clock = new ManualClock("2026-06-01T09:00:00.000Z");

    before(async () => {
      hub = await startHub(dialect, {}, { clock });
      alice = await hub.createUser("alice");
      rita = await hub.createUser("rita");
      carl = await hub.createUser("carl");
      bob = await hub.createUser("bob");
      dora = await hub.createUser("dora");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: alice, json: { name: "acme" } }),
        201,
      );
      for (const [user, role] of [
        ["rita", "reviewer"],
        ["carl", "member"],
      ] as const) {
        await expectStatus(
          hub.request("PUT", `/api/orgs/acme/members/${user}`, { token: alice, json: { role } }),
          200,
        );
      }
    });
    after(() => hub.close());

    const download = (id: string, token?: string, headers: Record<string, string> = {}) =>
      hub.request("GET", `/${id}/resolve/main/weights.bin`, {
        ...(token === undefined ? {} : { token }),
        headers,
      });
    const handle = (id: string, token: string, body: Record<string, unknown>) =>
      hub.request("POST", `/api/models/${id}/user-access-request/handle`, { token, json: body });
    const listOf = async (id: string, status: string, token = alice): Promise<HfItem[]> => {
      const res = await expectStatus(
        hub.request("GET", `/api/models/${id}/user-access-request/${status}`, { token }),
        200,
      );
      return (await res.json()) as HfItem[];
    };

    it("refuses a gated file with 401 GatedRepo anonymously and 403 GatedRepo signed in, while card and file list stay readable", async () => {
      await publishGated(hub, alice, "acme/llm", "v1", {
        "README.md": gatedCard(),
        "weights.bin": WEIGHTS,
      });
      const anonymous = await expectError(download("acme/llm"), 401, "GATED");
      assert.match(
        anonymous.error,
        /^Access to model acme\/llm is restricted\. You must have access to it and be authenticated/,
      );
      const signedIn = await download("acme/llm", bob);
      assert.equal(signedIn.status, 403);
      assert.equal(signedIn.headers.get("x-error-code"), "GatedRepo");
      assert.match(
        ((await signedIn.json()) as { error: string }).error,
        /is restricted and you are not in the authorized list\. Ask for access .*gatehouse access request acme\/llm/,
      );
      const info = await expectStatus(hub.request("GET", "/api/models/acme/llm"), 200);
      const body = (await info.json()) as {
        gated: unknown;
        private: boolean;
        cardData: Record<string, unknown>;
      };
      assert.equal(body.gated, "manual");
      assert.equal(body.private, false);
      assert.ok("extra_gated_fields" in body.cardData);
      await expectStatus(hub.request("GET", "/api/models/acme/llm/tree/main"), 200);
      const form = (await (
        await expectStatus(hub.request("GET", "/api/models/acme/llm/access/form"), 200)
      ).json()) as {
        fields: { label: string; type: string }[];
        licence: { id: string; sha256: string; text: string };
      };
      assert.deepEqual(
        form.fields.map((f) => f.type),
        ["text", "text", "date_picker", "country", "select", "checkbox"],
      );
      assert.equal(form.licence.id, "llama3");
      assert.equal(form.licence.sha256, sha256(form.licence.text));
      assert.match(form.licence.text, /LLAMA 3/i);
    });

    it("answers a form that breaks its fields with 400 naming the field, and stores nothing", async () => {
      await publishGated(hub, alice, "acme/strict", "v1", {
        "README.md": gatedCard({ blocked_countries: ["KP"], max_monthly_active_users: 700000000 }),
        "weights.bin": WEIGHTS,
      });
      const users = "Monthly active users of your products and services";
      const cases: [string, Record<string, unknown>, string][] = [
        [
          "an unchecked box",
          { "I agree to use this model for non-commercial use ONLY": false },
          "I agree to use this model for non-commercial use ONLY: this box must be checked",
        ],
        [
          "a date that is not a date",
          { "Date of birth": "1815-13-40" },
          'Date of birth: "1815-13-40" is not a date',
        ],
        [
          "an option not offered",
          { "Intended use": "Weapons" },
          'Intended use: "Weapons" is not offered; choose one of "Research", "commercial"',
        ],
        [
          "a blocked country",
          { Country: "KP" },
          "Country: access to this model is not offered in North Korea (KP)",
        ],
        [
          "a country that is not one",
          { Country: "Atlantis" },
          'Country: "Atlantis" is not an ISO 3166-1 alpha-2 country code',
        ],
        ["a question the form does not ask", { Shoe: "42" }, "Shoe: the form has no such question"],
        [
          "an organisation above the licence's cap",
          { [users]: 800000000 },
          `${users}: this licence covers organisations with at most 700000000 monthly active users`,
        ],
        ["a missing text answer", { Name: "" }, "Name: answer this question with text"],
      ];
      const before = await auditCount(hub);
      for (const [what, change, message] of cases) {
        const answers = { ...GOOD_ANSWERS, [users]: 1000, ...change };
        const body = await expectError(
          askAccess(hub, bob, "acme/strict", { answers, acceptLicence: true }),
          400,
          "BAD_REQUEST",
        );
        assert.ok(body.error.startsWith(message), `${what}: ${body.error}`);
      }
      const noLicence = await expectError(
        askAccess(hub, bob, "acme/strict", {
          answers: { ...GOOD_ANSWERS, [users]: 1000 },
          acceptLicence: false,
        }),
        400,
        "BAD_REQUEST",
      );
      assert.match(noLicence.error, /^acceptLicence: read the licence/);
      assert.equal(await auditCount(hub), before);
      assert.deepEqual(await listOf("acme/strict", "pending"), []);
      const stored = await hub.built.ctx.db
        .selectFrom("licence_acceptances")
        .select("id")
        .execute();
      assert.deepEqual(stored, []);
    });

    it("refuses a request for a model that is not gated", async () => {
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: alice,
          json: { id: "acme/free", visibility: "open" },
        }),
        201,
      );
      await publishGated(hub, alice, "acme/free", "v1", { "weights.bin": WEIGHTS }, false);
      const body = await expectError(askAccess(hub, bob, "acme/free"), 400, "BAD_REQUEST");
      assert.match(body.error, /^acme\/free is not gated/);
    });

    it("keeps a manual request pending until a reviewer accepts it, then lets the requester download; deciding one's own request is refused", async () => {
      const pending = await expectStatus(askAccess(hub, bob, "acme/llm"), 202);
      assert.equal(((await pending.json()) as { status: string }).status, "pending");
      await expectError(askAccess(hub, bob, "acme/llm"), 409, "CONFLICT");
      await expectError(download("acme/llm", bob), 403, "GATED");

      // Who may read the list: owners and reviewers; a plain member or a stranger may not.
      await expectError(
        hub.request("GET", "/api/models/acme/llm/user-access-request/pending", { token: carl }),
        403,
        "FORBIDDEN",
      );
      await expectError(
        hub.request("GET", "/api/models/acme/llm/user-access-request/pending", { token: dora }),
        403,
        "FORBIDDEN",
      );
      await expectError(
        hub.request("GET", "/api/models/acme/llm/user-access-request/pending"),
        401,
        "UNAUTHENTICATED",
      );
      const listed = await listOf("acme/llm", "pending", rita);
      assert.deepEqual(
        listed.map((i) => [i.user.user, i.status]),
        [["bob", "pending"]],
      );
      const [first] = listed;
      assert.ok(first !== undefined);
      assert.equal(first.fields["Country"], "GB");
      assert.equal(first.timestamp, "2026-06-01T09:00:00.000Z");

      // A reviewer asks for herself, and may not approve her own request.
      await expectStatus(askAccess(hub, rita, "acme/llm"), 202);
      const own = await expectError(
        handle("acme/llm", rita, { user: "rita", status: "accepted" }),
        403,
        "FORBIDDEN",
      );
      assert.match(own.error, /you asked for this access yourself/);
      await expectError(
        handle("acme/llm", alice, { user: "nobody-here", status: "accepted" }),
        404,
        "NOT_FOUND",
      );
      await expectError(
        handle("acme/llm", alice, { user: "bob", status: "maybe" }),
        400,
        "BAD_REQUEST",
      );

      await expectStatus(handle("acme/llm", rita, { user: "bob", status: "accepted" }), 200);
      await expectError(
        handle("acme/llm", rita, { user: "bob", status: "accepted" }),
        404,
        "NOT_FOUND",
      );
      const got = await expectStatus(download("acme/llm", bob), 200);
      assert.equal(await got.text(), WEIGHTS);
      assert.deepEqual(
        (await listOf("acme/llm", "accepted")).map((i) => i.user.user),
        ["bob"],
      );
      const mine = (await (
        await expectStatus(hub.request("GET", "/api/access/mine", { token: bob }), 200)
      ).json()) as {
        grants: { model: string; status: string; expiresAt: string | null }[];
      };
      assert.deepEqual(
        mine.grants.map((g) => [g.model, g.status, g.expiresAt]),
        [["acme/llm", "live", null]],
      );
    });

    it("stops downloads at once when a grant is revoked, a download resumed with Range included", async () => {
      await expectStatus(
        hub.request("POST", "/api/models/acme/llm/user-access-request/grant", {
          token: alice,
          json: { user: "dora" },
        }),
        200,
      );
      await expectError(download("acme/llm", dora), 403, "GATED");
      await expectStatus(
        hub.request("POST", "/api/models/acme/llm/access/accept", { token: dora, json: {} }),
        200,
      );
      const first = await expectStatus(download("acme/llm", dora, { range: "bytes=0-1023" }), 206);
      assert.equal((await first.text()).length, 1024);
      await expectStatus(
        hub.request("POST", "/api/models/acme/llm/access/revoke", {
          token: alice,
          json: { user: "dora", reason: "left the project" },
        }),
        200,
      );
      await expectError(download("acme/llm", dora, { range: "bytes=1024-" }), 403, "GATED");
      assert.deepEqual(
        (await listOf("acme/llm", "rejected")).map((i) => i.user.user),
        ["dora"],
      );
      await expectError(
        hub.request("POST", "/api/models/acme/llm/access/revoke", {
          token: alice,
          json: { user: "dora", reason: "again" },
        }),
        404,
        "NOT_FOUND",
      );
    });

    it("stops a revoked grant's downloads through a second hub process on the same database", async () => {
      await expectStatus(
        hub.request("POST", "/api/models/acme/llm/user-access-request/grant", {
          token: alice,
          json: { user: "carl" },
        }),
        200,
      );
      await expectStatus(
        hub.request("POST", "/api/models/acme/llm/access/accept", { token: carl, json: {} }),
        200,
      );
      const env: Record<string, string> =
        dialect === "sqlite"
          ? { DATABASE_URL: `sqlite:${path.join(hub.dataDir, "hub.sqlite")}` }
          : (() => {
              const url = new URL(POSTGRES_URL ?? "");
              url.searchParams.set("options", `-c search_path=${hub.pgSchema ?? ""}`);
              return { DATABASE_URL: url.toString() };
            })();
      const second = await spawnHub(hub.dataDir, { ...env, GATEHOUSE_DEFAULT_POLICY: "false" });
      try {
        const resume = (from: number) =>
          fetch(`${second.url}/acme/llm/resolve/main/weights.bin`, {
            headers: { authorization: `Bearer ${carl}`, range: `bytes=${from}-` },
          });
        assert.equal((await resume(0)).status, 206);
        await expectStatus(
          hub.request("POST", "/api/models/acme/llm/access/revoke", {
            token: rita,
            json: { user: "carl", reason: "audit" },
          }),
          200,
        );
        const refused = await resume(2048);
        assert.equal(refused.status, 403);
        assert.equal(refused.headers.get("x-error-code"), "GatedRepo");
      } finally {
        await second.kill();
      }
    });

    it("grants at once with automatic approval, and the grant ends when the gate's duration has passed", async () => {
      await publishGated(hub, alice, "acme/auto", "v1", {
        "README.md": gatedCard({ approval: "auto", grant_duration: "30d" }),
        "weights.bin": WEIGHTS,
      });
      const info = (await (
        await expectStatus(hub.request("GET", "/api/models/acme/auto"), 200)
      ).json()) as { gated: unknown };
      assert.equal(info.gated, "auto");
      const made = await expectStatus(askAccess(hub, bob, "acme/auto"), 201);
      assert.equal(((await made.json()) as { status: string }).status, "accepted");
      await expectStatus(download("acme/auto", bob), 200);
      clock.advance(29 * DAY);
      await expectStatus(download("acme/auto", bob), 200);
      clock.advance(2 * DAY);
      await expectError(download("acme/auto", bob), 403, "GATED");
      const mine = (await (
        await expectStatus(hub.request("GET", "/api/access/mine", { token: bob }), 200)
      ).json()) as {
        grants: { model: string; status: string }[];
      };
      assert.equal(mine.grants.find((g) => g.model === "acme/auto")?.status, "expired");
      // An expired grant may be asked for again.
      await expectStatus(askAccess(hub, bob, "acme/auto"), 201);
      await expectStatus(download("acme/auto", bob), 200);
    });

    it("accepts by rule the requests the rule holds for and leaves the others pending", async () => {
      await publishGated(hub, alice, "acme/ruled", "v1", {
        "README.md": gatedCard({
          approval: "rule",
          rule: 'answers["Intended use"] == "Research" && requester.accountAgeDays >= 0.0',
        }),
        "weights.bin": WEIGHTS,
      });
      const info = (await (
        await expectStatus(hub.request("GET", "/api/models/acme/ruled"), 200)
      ).json()) as { gated: unknown };
      assert.equal(info.gated, "manual");
      await expectStatus(askAccess(hub, bob, "acme/ruled"), 201);
      await expectStatus(download("acme/ruled", bob), 200);
      await expectStatus(
        askAccess(hub, dora, "acme/ruled", {
          answers: { ...GOOD_ANSWERS, "Intended use": "commercial" },
          acceptLicence: true,
        }),
        202,
      );
      await expectError(download("acme/ruled", dora), 403, "GATED");
    });

    it("refuses to publish a card whose approval rule is not CEL that can run", async () => {
      await expectStatus(
        hub.request("POST", "/api/models", {
          token: alice,
          json: { id: "acme/badrule", visibility: "gated" },
        }),
        201,
      );
      await createDraft(hub, alice, "acme/badrule", "v1", {
        "README.md": gatedCard({ approval: "rule", rule: "requester.shoeSize > 3" }),
      });
      const body = await expectError(
        hub.request("POST", "/api/models/acme/badrule/versions/v1/publish", { token: alice }),
        400,
        "INVALID_CARD",
      );
      assert.match(body.error, /^README\.md: gate\.rule: /);
    });

    it("asks again for a new version whose licence text differs, and keeps the exact text's sha256, the answers, address and user agent", async () => {
      await publishGated(hub, alice, "acme/lic", "v1", {
        "README.md": gatedCard(),
        LICENSE: "Licence text one",
        "weights.bin": WEIGHTS,
      });
      await expectStatus(
        hub.request("POST", "/api/models/acme/lic/access/requests", {
          token: bob,
          json: { answers: GOOD_ANSWERS, acceptLicence: true },
          headers: { "user-agent": "gated-access-test/1.0" },
        }),
        202,
      );
      await expectStatus(handle("acme/lic", alice, { user: "bob", status: "accepted" }), 200);
      await expectStatus(download("acme/lic", bob), 200);
      clock.advance(60);
      await publishGated(
        hub,
        alice,
        "acme/lic",
        "v2",
        {
          "README.md": gatedCard(),
          LICENSE: "Licence text two, with a new clause",
          "weights.bin": WEIGHTS,
        },
        false,
      );
      const refused = await expectError(download("acme/lic", bob), 403, "GATED");
      assert.match(
        refused.error,
        /not yet to the licence of version v2 .*gatehouse access accept acme\/lic@v2/,
      );
      // The earlier version, whose text was accepted, still downloads.
      await expectStatus(
        hub.request("GET", "/acme/lic/resolve/v1/weights.bin", { token: bob }),
        200,
      );
      await expectStatus(
        hub.request("POST", "/api/models/acme/lic/access/accept", {
          token: bob,
          json: { revision: "v2" },
        }),
        200,
      );
      await expectStatus(download("acme/lic", bob), 200);
      const records = (await (
        await expectStatus(
          hub.request("GET", "/api/models/acme/lic/access/acceptances", { token: alice }),
          200,
        )
      ).json()) as {
        user: string;
        version: string;
        licenceSha256: string;
        fields: Record<string, unknown>;
        address: string;
        userAgent: string;
      }[];
      assert.deepEqual(
        records.map((r) => [r.user, r.version, r.licenceSha256]),
        [
          ["bob", "v1", sha256("Licence text one")],
          ["bob", "v2", sha256("Licence text two, with a new clause")],
        ],
      );
      const [record] = records;
      assert.ok(record !== undefined);
      assert.equal(record.fields["Affiliation"], "Analytical Engines Ltd");
      assert.equal(record.userAgent, "gated-access-test/1.0");
      assert.equal(record.address, "127.0.0.1");
      // The chain names the text by its hash and holds no answer or address.
      const events = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "details"])
        .where("action", "=", "licence.accept")
        .execute();
      assert.ok(
        events.every((e) => !e.details.includes("Analytical") && !e.details.includes("127.0.0.1")),
      );
      assert.ok(events.some((e) => e.details.includes(sha256("Licence text one"))));
      await expectError(
        hub.request("GET", "/api/models/acme/lic/access/acceptances", { token: bob }),
        403,
        "FORBIDDEN",
      );
    });

    it("covers an organisation's members while they are members when its request is approved", async () => {
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: dora, json: { name: "labco" } }),
        201,
      );
      await expectStatus(
        hub.request("PUT", "/api/orgs/labco/members/carl", {
          token: dora,
          json: { role: "member" },
        }),
        200,
      );
      const made = await expectStatus(
        askAccess(hub, dora, "acme/llm", {
          answers: GOOD_ANSWERS,
          acceptLicence: true,
          forOrg: "labco",
        }),
        202,
      );
      assert.equal(((await made.json()) as { grantee: string }).grantee, "labco");
      // A plain member may not speak for the organisation.
      await expectError(
        askAccess(hub, carl, "acme/llm", {
          answers: GOOD_ANSWERS,
          acceptLicence: true,
          forOrg: "labco",
        }),
        403,
        "FORBIDDEN",
      );
      await expectStatus(handle("acme/llm", alice, { user: "labco", status: "accepted" }), 200);
      // Carl's own grant was revoked; the organisation's covers him, once he accepted the licence himself.
      await expectStatus(download("acme/llm", carl), 200);
      await expectStatus(
        hub.request("DELETE", "/api/orgs/labco/members/carl", { token: dora }),
        204,
      );
      await expectError(download("acme/llm", carl), 403, "GATED");
    });

    it("makes a rejection final unless the owners set a waiting period", async () => {
      await expectStatus(
        handle("acme/llm", alice, {
          user: "rita",
          status: "rejected",
          rejectionReason: "not needed for review",
        }),
        200,
      );
      const again = await expectError(askAccess(hub, rita, "acme/llm"), 403, "FORBIDDEN");
      assert.match(again.error, /take no new request after a refusal/);
      const rejected = await listOf("acme/llm", "rejected");
      assert.ok(rejected.some((i) => i.user.user === "rita"));

      await publishGated(hub, alice, "acme/wait", "v1", {
        "README.md": gatedCard({ reapply_after: "7d" }),
        "weights.bin": WEIGHTS,
      });
      await expectStatus(askAccess(hub, bob, "acme/wait"), 202);
      await expectStatus(handle("acme/wait", alice, { user: "bob", status: "rejected" }), 200);
      const early = await expectError(askAccess(hub, bob, "acme/wait"), 403, "FORBIDDEN");
      assert.match(early.error, /you may ask again after 2026-/);
      clock.advance(8 * DAY);
      await expectStatus(askAccess(hub, bob, "acme/wait"), 202);
    });

    it("grants directly to one version with an expiry, and refuses unknown users, oneself and models that are not gated", async () => {
      await expectError(
        hub.request("POST", "/api/models/acme/llm/user-access-request/grant", {
          token: alice,
          json: { user: "ghost" },
        }),
        404,
        "NOT_FOUND",
      );
      await expectError(
        hub.request("POST", "/api/models/acme/llm/user-access-request/grant", {
          token: rita,
          json: { user: "rita" },
        }),
        403,
        "FORBIDDEN",
      );
      await expectError(
        hub.request("POST", "/api/models/acme/free/user-access-request/grant", {
          token: alice,
          json: { user: "bob" },
        }),
        400,
        "BAD_REQUEST",
      );
      await expectError(
        hub.request("POST", "/api/models/acme/llm/user-access-request/grant", {
          token: alice,
          json: { user: "bob", expiresIn: "soon" },
        }),
        400,
        "BAD_REQUEST",
      );
      await expectError(
        hub.request("POST", "/api/models/acme/llm/user-access-request/grant", {
          token: carl,
          json: { user: "bob" },
        }),
        403,
        "FORBIDDEN",
      );

      await expectStatus(
        hub.request("POST", "/api/models/acme/lic/user-access-request/grant", {
          token: alice,
          json: { user: "dora", version: "v1", expiresIn: "1d" },
        }),
        200,
      );
      await expectStatus(
        hub.request("POST", "/api/models/acme/lic/access/accept", {
          token: dora,
          json: { revision: "v1" },
        }),
        200,
      );
      await expectStatus(
        hub.request("GET", "/acme/lic/resolve/v1/weights.bin", { token: dora }),
        200,
      );
      await expectError(
        hub.request("GET", "/acme/lic/resolve/v2/weights.bin", { token: dora }),
        403,
        "GATED",
      );
      clock.advance(2 * DAY);
      await expectError(
        hub.request("GET", "/acme/lic/resolve/v1/weights.bin", { token: dora }),
        403,
        "GATED",
      );
    });

    it("keeps one pending request when the same user submits several at once", async () => {
      await publishGated(hub, alice, "acme/race", "v1", {
        "README.md": gatedCard(),
        "weights.bin": WEIGHTS,
      });
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => askAccess(hub, bob, "acme/race")),
      );
      const statuses = answers.map((r) => r.status).sort();
      assert.deepEqual(statuses, [202, 409, 409, 409, 409, 409]);
      for (const refusedOne of answers.filter((r) => r.status === 409)) {
        assert.match(
          ((await refusedOne.json()) as { error: string }).error,
          /^bob already asked for access to acme\/race on 2026-.*; the request is pending$/,
        );
      }
      assert.deepEqual(
        (await listOf("acme/race", "pending")).map((i) => i.user.user),
        ["bob"],
      );
    });

    it("pages the Hub's request lists with absolute Link URLs", async () => {
      await publishGated(hub, alice, "acme/paged", "v1", {
        "README.md": gatedCard(),
        "weights.bin": WEIGHTS,
      });
      for (const token of [bob, carl, dora]) {
        await expectStatus(askAccess(hub, token, "acme/paged"), 202);
        clock.advance(1);
      }
      const seen: string[] = [];
      let next: string | null =
        `${hub.url}/api/models/acme/paged/user-access-request/pending?limit=2`;
      while (next !== null) {
        const res: Response = await fetch(next, { headers: { authorization: `Bearer ${alice}` } });
        assert.equal(res.status, 200);
        seen.push(...((await res.json()) as HfItem[]).map((i) => i.user.user));
        const link = res.headers.get("link");
        next =
          link === null ? null : (/^<(https?:\/\/[^>]+)>; rel="next"$/.exec(link)?.[1] ?? null);
        assert.ok(link === null || next !== null, `Link must be absolute: ${link ?? ""}`);
      }
      assert.deepEqual(seen, ["bob", "carl", "dora"]);
    });
  });
}
