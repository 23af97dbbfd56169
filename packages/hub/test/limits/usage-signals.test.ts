import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { runWebhookDeliveries } from "../../src/events/index.js";
import { gatehouse, tempHome } from "../cli/run-cli.js";
import { Receiver } from "../events/receiver.js";
import { expectError, expectStatus } from "../security/support.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { settleUsage } from "./usage-support.js";

const INFER = "/v2/models/acme--iris/versions/v1/infer";

/** Thresholds low enough for a test to trip each signal with a handful of calls. */
const ENV = {
  GATEHOUSE_SIGNAL_SPIKE_MIN_CALLS: "9",
  GATEHOUSE_SIGNAL_SHARING_ADDRESSES: "2",
  GATEHOUSE_SIGNAL_PROBING_FAILURES: "4",
  GATEHOUSE_SIGNAL_RETRY_IGNORED: "2",
  GATEHOUSE_SIGNAL_DUPLICATE_CALLS: "5",
  GATEHOUSE_SIGNAL_THROTTLE_PER_MINUTE: "1",
  // The test client is the proxy: X-Forwarded-For gives each call its address.
  GATEHOUSE_TRUST_PROXY: "127.0.0.1",
  GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: "true",
  GATEHOUSE_WEBHOOK_INTERVAL: "86400",
};

/** The policy's signal rules: spikes throttle, floods of near-duplicates at the api stage suspend. */
const SIGNAL_POLICY = `policy: abuse
rules: []
signals:
  - id: throttle-spikes
    description: A burst far above a token's own baseline is held to a trickle
    when: signal.kind == "spike"
    action: throttle
  - id: suspend-extraction
    description: Near-duplicate floods at the api stage look like model extraction
    when: signal.kind == "near_duplicates" && version != null && version.stage == "api"
    action: suspend
`;

interface Signal {
  id: string;
  kind: string;
  state: string;
  subject: { kind: string; id: string | null };
  tokenId: string | null;
  version: string | null;
  count: number;
  trips: number;
  action: string;
  rules: string[];
  details: Record<string, unknown>;
  closedBy: string | null;
  closeReason: string | null;
}

for (const dialect of DIALECTS) {
  describe(`abuse signals from hosted-inference calls (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let receiver: Receiver;
    let home: Awaited<ReturnType<typeof tempHome>>;
    let owner: string;
    let stranger: string;
    const tokens: Record<string, string> = {};
    let calls = 0;
    let policyDir: string;

    const infer = async (token: string | undefined, body: unknown, address?: string) => {
      calls += 1;
      const res = await hub.request("POST", INFER, {
        ...(token === undefined ? {} : { token }),
        json: body,
        headers: address === undefined ? {} : { "x-forwarded-for": address },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown>, res };
    };
    /** Waits until every call so far is recorded and through the detectors, their signals stored. */
    const settle = async () => {
      await settleUsage(hub, calls);
      await hub.built.ctx.signals.settle();
    };
    const list = async (token: string, query = "") => {
      const res = await hub.request("GET", `/api/usage/signals${query}`, { token });
      return { status: res.status, body: (await res.json()) as { signals: Signal[] } };
    };
    const signalOf = async (kind: string): Promise<Signal> => {
      const found = (await list(hub.adminToken, `?kind=${kind}`)).body.signals;
      assert.equal(found.length, 1, `one open ${kind} signal`);
      const [signal] = found;
      assert.ok(signal);
      return signal;
    };
    const tokenIdOf = async (user: string) =>
      (
        await hub.built.ctx.db
          .selectFrom("tokens as t")
          .innerJoin("namespaces as n", "n.id", "t.user_id")
          .select("t.id")
          .where("n.name", "=", user)
          .executeTakeFirstOrThrow()
      ).id;

    before(async () => {
      iris = await trainIris();
      policyDir = await mkdtemp(path.join(tmpdir(), "gatehouse-signal-policy-"));
      await writeFile(path.join(policyDir, "abuse.yaml"), SIGNAL_POLICY);
      hub = await startHub(dialect, { ...ENV, GATEHOUSE_POLICY_DIR: policyDir });
      home = await tempHome();
      receiver = await Receiver.start();
      owner = await hub.createUser("olivia");
      stranger = await hub.createUser("ursula");
      for (const name of ["sam", "kim", "rex", "dan"]) {
        tokens[name] = await hub.createUser(name);
      }
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/iris", "v1");
      await expectStatus(
        hub.request("POST", "/api/namespaces/acme/webhooks", {
          token: owner,
          json: { url: receiver.url, events: ["usage.signal"] },
        }),
        201,
      );
    });
    after(async () => {
      await receiver.close();
      await hub.close();
      await iris.cleanup();
      await rm(home.home, { recursive: true, force: true });
      await rm(policyDir, { recursive: true, force: true });
    });

    it("opens a spike signal on a burst from a new key, throttles its token as the policy's rule says, and opens no second one while it is open", async () => {
      const sam = tokens.sam ?? "";
      for (let i = 0; i < 9; i += 1) {
        assert.equal((await infer(sam, irisRequest(IRIS_ROWS))).status, 200);
      }
      await settle();
      const spike = await signalOf("spike");
      const samToken = await tokenIdOf("sam");
      assert.deepEqual(
        [
          spike.state,
          spike.subject,
          spike.tokenId,
          spike.version,
          spike.count,
          spike.trips,
          spike.action,
          spike.rules,
        ],
        [
          "open",
          { kind: "token", id: samToken },
          samToken,
          "acme/iris@v1",
          9,
          1,
          "throttle",
          ["throttle-spikes"],
        ],
      );
      assert.equal(spike.details.calls, 9);
      // The throttle is the token's limits, set by the signal, through the limits' own table.
      const limits = await hub.built.ctx.db
        .selectFrom("usage_limits")
        .selectAll()
        .where("scope", "=", `token:${samToken}`)
        .executeTakeFirstOrThrow();
      assert.equal(limits.set_by, `signal:${spike.id}`);
      assert.deepEqual(JSON.parse(limits.spec), { requests: { perMinute: 1 } });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const answer = await infer(sam, irisRequest(IRIS_ROWS));
        statuses.push(answer.status);
        if (answer.status === 429) {
          assert.equal(answer.res.headers.get("x-error-code"), "QUOTA_EXCEEDED");
        }
      }
      assert.ok(statuses.includes(429), `throttled calls answer 429: ${statuses.join(", ")}`);
      await settle();
      const again = await signalOf("spike");
      assert.equal(again.id, spike.id, "no second signal while one is open");
      assert.deepEqual([again.action, again.rules], ["throttle", ["throttle-spikes"]]);
    });

    it("opens key_sharing when one token calls from more addresses than allowed in an hour, and only notifies without a rule for it", async () => {
      for (const address of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
        assert.equal((await infer(tokens.kim, irisRequest(IRIS_ROWS), address)).status, 200);
      }
      await settle();
      const shared = await signalOf("key_sharing");
      assert.deepEqual([shared.action, shared.rules], ["notify", []], "no rule names key_sharing");
      assert.deepEqual(
        [shared.subject, shared.action, shared.details.addresses],
        [{ kind: "token", id: await tokenIdOf("kim") }, "notify", 3],
      );
    });

    it("opens probing against an address that draws 401s, shown with its address to administrators only", async () => {
      for (let i = 0; i < 4; i += 1) {
        assert.equal((await infer(undefined, irisRequest(IRIS_ROWS), "203.0.113.9")).status, 401);
      }
      await settle();
      const probing = await signalOf("probing");
      assert.deepEqual(
        [probing.subject, probing.version, probing.count, probing.details.lastStatus],
        [{ kind: "address", id: "203.0.113.9" }, null, 4, 401],
      );
    });

    it("opens ignored_retry_after when a caller keeps calling before its Retry-After passed", async () => {
      await expectStatus(
        hub.request("PUT", "/api/limits/users/rex", {
          token: hub.adminToken,
          json: { requests: { perMinute: 1 } },
        }),
        200,
      );
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const answer = await infer(tokens.rex, irisRequest(IRIS_ROWS));
        statuses.push(answer.status);
        if (answer.status === 429) {
          assert.ok(Number(answer.res.headers.get("retry-after")) > 0);
        }
      }
      await settle();
      const ignored = await signalOf("ignored_retry_after");
      assert.equal(ignored.subject.id, await tokenIdOf("rex"));
      assert.equal(ignored.count, 2, `answers ${statuses.join(", ")}`);
    });

    it("opens near_duplicates on a flood of slightly varied inputs, suspends the token by the policy's rule, and closing it restores the token", async () => {
      const dan = tokens.dan ?? "";
      // Ten rows (40 values); each call moves one value far: about 95% of the shingles stay.
      const rows = Array.from({ length: 10 }, (_, i) => IRIS_ROWS[i % 4]?.map((v) => v + i) ?? []);
      for (let call = 0; call < 6; call += 1) {
        const varied = rows.map((row, i) =>
          i === call ? row.map((v, j) => (j === 0 ? v + 50 : v)) : row,
        );
        assert.equal((await infer(dan, irisRequest(varied))).status, 200);
      }
      await settle();
      const flood = await signalOf("near_duplicates");
      assert.deepEqual(
        [flood.subject.id, flood.count, flood.action, flood.rules],
        [await tokenIdOf("dan"), 5, "suspend", ["suspend-extraction"]],
      );
      const refused = await infer(dan, irisRequest(IRIS_ROWS));
      assert.equal(refused.status, 403);
      assert.equal(refused.res.headers.get("x-error-code"), "FORBIDDEN");
      assert.equal(
        refused.body.error,
        `this token is suspended by abuse signal ${flood.id}; an administrator restores it by closing the signal (gatehouse usage signals close ${flood.id} --reason TEXT)`,
      );
      // Rotating it would hand out a secret the suspension does not name.
      const danId = await tokenIdOf("dan");
      const rotation = await expectError(
        hub.request("POST", `/api/tokens/${danId}/rotate`, { token: dan }),
        409,
        "CONFLICT",
      );
      assert.equal(
        rotation.error,
        `token ${danId} is suspended by abuse signal ${flood.id}; an administrator closes the signal before it can be rotated (gatehouse usage signals close ${flood.id} --reason TEXT)`,
      );

      const closed = await gatehouse(
        ["usage", "signals", "close", flood.id, "--reason", "a load test of ours"],
        { ...home, env: { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: hub.adminToken } },
      );
      assert.equal(closed.code, 0, closed.stderr);
      assert.equal(
        closed.stdout,
        `closed ${flood.id} (near_duplicates, token ${await tokenIdOf("dan")})\n`,
      );
      assert.equal((await infer(dan, irisRequest(IRIS_ROWS))).status, 200);
      const row = await hub.built.ctx.db
        .selectFrom("usage_signals")
        .selectAll()
        .where("id", "=", flood.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.state, row.close_reason, row.closed_by === null],
        ["closed", "a load test of ours", false],
      );
      await settle();
    });

    it("audits each opening and closing, and notifies the model's namespace by webhook", async () => {
      const events = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "resource", "actor_id", "details"])
        .where("action", "in", ["signal.open", "signal.close"])
        .orderBy("seq")
        .execute();
      assert.deepEqual(
        events.map((e) => [e.action, (JSON.parse(e.details) as { kind?: string }).kind ?? null]),
        [
          ["signal.open", "spike"],
          ["signal.open", "key_sharing"],
          ["signal.open", "probing"],
          ["signal.open", "ignored_retry_after"],
          ["signal.open", "near_duplicates"],
          ["signal.close", null],
        ],
      );
      assert.equal(events[0]?.actor_id, null, "the hub opens signals");
      const throttle = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select("details")
        .where("action", "=", "limits.set")
        .where("actor_id", "is", null)
        .executeTakeFirstOrThrow();
      assert.ok(throttle.details.includes('"signal":"sig_'));

      await runWebhookDeliveries(hub.built.ctx);
      const delivered = receiver.accepted();
      // The probe reached no model, so no namespace's subscription hears of it.
      assert.deepEqual(
        delivered.map((d) => [d.type, (d.data.signal as { kind: string }).kind]).sort(),
        [
          ["usage.signal", "ignored_retry_after"],
          ["usage.signal", "key_sharing"],
          ["usage.signal", "near_duplicates"],
          ["usage.signal", "spike"],
        ],
      );
      const spike = delivered.find((d) => (d.data.signal as { kind: string }).kind === "spike");
      assert.ok(spike);
      assert.deepEqual(spike.data.model, {
        id: (spike.data.model as { id: string }).id,
        name: "acme/iris",
      });
      assert.equal((spike.data.version as { name: string }).name, "v1");
    });

    it("lets administrators read every signal, organisation owners their models', and refuses others", async () => {
      const all = await list(hub.adminToken, "?state=all");
      assert.equal(all.status, 200);
      assert.deepEqual(all.body.signals.map((s) => s.kind).sort(), [
        "ignored_retry_after",
        "key_sharing",
        "near_duplicates",
        "probing",
        "spike",
      ]);
      assert.deepEqual(
        (await list(hub.adminToken, "?state=closed")).body.signals.map((s) => s.kind),
        ["near_duplicates"],
      );
      assert.equal((await list(hub.adminToken, "?state=all&limit=2")).body.signals.length, 2);
      const mine = await list(owner, "?state=all");
      assert.equal(mine.status, 200);
      assert.deepEqual(mine.body.signals.map((s) => s.kind).sort(), [
        "ignored_retry_after",
        "key_sharing",
        "near_duplicates",
        "spike",
      ]);
      const refused = await list(stranger);
      assert.equal(refused.status, 403);
      assert.equal(
        (refused.body as unknown as { error: string }).error,
        "only a hub administrator or an organisation's owner may read abuse signals",
      );
      assert.equal((await hub.request("GET", "/api/usage/signals")).status, 401);
      for (const bad of ["?state=shut", "?kind=ddos", "?limit=0", "?limit=1001", "?colour=red"]) {
        assert.equal((await list(hub.adminToken, bad)).status, 400, bad);
      }
    });

    it("lets an organisation owner close their models' signals only, with a reason", async () => {
      const probing = await signalOf("probing");
      const shared = await signalOf("key_sharing");
      const close = (id: string, token: string, json: unknown = { reason: "checked" }) =>
        hub.request("POST", `/api/usage/signals/${id}/close`, { token, json });
      const hidden = await close(probing.id, owner);
      assert.equal(hidden.status, 404);
      assert.equal(
        ((await hidden.json()) as { error: string }).error,
        `there is no abuse signal "${probing.id}"; gatehouse usage signals lists them`,
      );
      assert.equal((await close("sig_nothing", hub.adminToken)).status, 404);
      assert.equal((await close(shared.id, stranger)).status, 403);
      assert.equal((await close(shared.id, owner, {})).status, 400);
      assert.equal((await close(shared.id, owner, { reason: "" })).status, 400);
      const done = await close(shared.id, owner);
      assert.equal(done.status, 200);
      const body = (await done.json()) as Signal;
      assert.deepEqual([body.state, body.closeReason], ["closed", "checked"]);
      assert.equal((await close(shared.id, owner)).status, 409);
    });

    it("lists signals in the CLI as a table and as JSON, filtered by kind or model", async () => {
      const env = { GATEHOUSE_HUB: hub.url, GATEHOUSE_TOKEN: hub.adminToken };
      const text = await gatehouse(["usage", "signals", "--kind", "probing"], { ...home, env });
      assert.equal(text.code, 0, text.stderr);
      const probing = await signalOf("probing");
      const lines = text.stdout.trimEnd().split("\n");
      assert.equal(lines.length, 2);
      assert.match(lines[0] ?? "", /^id +kind +state +subject +calls +action +last seen +version$/);
      assert.match(
        lines[1] ?? "",
        new RegExp(`^${probing.id} +probing +open +address 203\\.0\\.113\\.9 +4 +notify +\\S+ +-$`),
      );
      const json = await gatehouse(["usage", "signals", "--all", "--json"], { ...home, env });
      assert.equal(json.code, 0, json.stderr);
      const parsed = JSON.parse(json.stdout) as { signals: Signal[] };
      assert.equal(parsed.signals.length, 5);
      const none = await gatehouse(["usage", "signals", "--kind", "key_sharing"], {
        ...home,
        env,
      });
      assert.equal(none.stdout, "no open abuse signals you may see\n");
      const bad = await gatehouse(["usage", "signals", "--kind", "ddos"], { ...home, env });
      assert.equal(bad.code, 2);
      const ofModel = await gatehouse(
        ["usage", "signals", "--all", "--model", "acme/iris", "--json"],
        { ...home, env },
      );
      assert.equal(ofModel.code, 0, ofModel.stderr);
      // The probe reached no version, so it is about no model.
      assert.deepEqual(
        (JSON.parse(ofModel.stdout) as { signals: Signal[] }).signals.map((s) => s.kind).sort(),
        ["ignored_retry_after", "key_sharing", "near_duplicates", "spike"],
      );
      const badModel = await gatehouse(["usage", "signals", "--model", "acme/iris@v1"], {
        ...home,
        env,
      });
      assert.notEqual(badModel.code, 0);
      assert.match(badModel.stderr, /model/);
    });

    it("lifts a throttle when its signal closes: the limits it replaced come back, unless someone set them since", async () => {
      const limitsOf = async (tokenId: string) => {
        const row = await hub.built.ctx.db
          .selectFrom("usage_limits")
          .select(["spec", "set_by"])
          .where("scope", "=", `token:${tokenId}`)
          .executeTakeFirst();
        return row === undefined ? null : { spec: JSON.parse(row.spec) as unknown, by: row.set_by };
      };
      const spikeOf = async (tokenId: string) => {
        const found = (await list(hub.adminToken, "?kind=spike")).body.signals.find(
          (s) => s.tokenId === tokenId,
        );
        assert.ok(found !== undefined, `a spike signal about token ${tokenId}`);
        return found;
      };
      const close = async (id: string) =>
        expectStatus(
          hub.request("POST", `/api/usage/signals/${id}/close`, {
            token: hub.adminToken,
            json: { reason: "checked" },
          }),
          200,
        );
      const setLimits = async (tokenId: string, spec: unknown) =>
        expectStatus(
          hub.request("PUT", `/api/limits/tokens/${tokenId}`, {
            token: hub.adminToken,
            json: spec,
          }),
          200,
        );
      const burst = async (token: string) => {
        for (let i = 0; i < 9; i += 1) {
          assert.equal((await infer(token, irisRequest(IRIS_ROWS))).status, 200);
        }
      };
      const lee = await hub.createUser("lee");
      const max = await hub.createUser("max");
      const samId = await tokenIdOf("sam");
      const leeId = await tokenIdOf("lee");
      const maxId = await tokenIdOf("max");
      const before = { requests: { perMinute: 100, perDay: 1000 } };
      await setLimits(leeId, before);
      await burst(lee);
      await burst(max);
      await settle();
      const samSpike = await spikeOf(samId);
      const leeSpike = await spikeOf(leeId);
      const maxSpike = await spikeOf(maxId);
      assert.deepEqual((await limitsOf(leeId))?.spec, { requests: { perMinute: 1, perDay: 1000 } });
      const mine = { requests: { perMinute: 5 } };
      await setLimits(maxId, mine);

      // sam had no limits before the throttle: none are left, and sam calls again.
      await close(samSpike.id);
      assert.equal(await limitsOf(samId), null);
      assert.equal((await infer(tokens.sam ?? "", irisRequest(IRIS_ROWS))).status, 200);
      // lee's own limits come back as they were, set by whoever set them.
      await close(leeSpike.id);
      const admin = await hub.built.ctx.db
        .selectFrom("namespaces")
        .select("id")
        .where("name", "=", "admin")
        .executeTakeFirstOrThrow();
      assert.deepEqual(await limitsOf(leeId), { spec: before, by: admin.id });
      // An administrator set max's limits after the throttle: they stay.
      await close(maxSpike.id);
      assert.deepEqual(await limitsOf(maxId), { spec: mine, by: admin.id });
      const lifts = await hub.built.ctx.db
        .selectFrom("audit_events")
        .select(["action", "resource"])
        .where("action", "in", ["limits.set", "limits.clear"])
        .where("details", "like", `%${samSpike.id}%`)
        .execute();
      assert.deepEqual(
        lifts.map((e) => [e.action, e.resource]),
        [
          ["limits.set", `token:${samId}`],
          ["limits.clear", `token:${samId}`],
        ],
        "the throttle and its lifting, both naming the signal",
      );
    });
  });
}
