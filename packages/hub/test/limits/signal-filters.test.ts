import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { expectStatus } from "../security/support.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { settleUsage } from "./usage-support.js";

interface Signal {
  readonly id: string;
  readonly kind: string;
  readonly version: string | null;
}

interface ListBody {
  readonly signals?: Signal[];
  readonly error?: string;
  readonly code?: string;
}

/** Who calls which model, three times each: a spike of each token on its own model. */
const CALLERS = [
  ["sam", "acme/iris"],
  ["kim", "acme/lily"],
  ["gina", "globex/secret"],
  ["pat", "olivia/iris"],
] as const;

for (const dialect of DIALECTS) {
  describe(`GET /api/usage/signals narrowed to a model or an organisation (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    const tokens: Record<string, string> = {};
    const token = (name: string) => tokens[name] ?? "";

    const list = async (query: string, caller: string) => {
      const res = await hub.request("GET", `/api/usage/signals${query}`, { token: caller });
      return { status: res.status, body: (await res.json()) as ListBody };
    };
    /** The versions of the signals listed, sorted: what a filter let through. */
    const versions = async (query: string, caller: string) => {
      const { status, body } = await list(query, caller);
      assert.equal(status, 200, `${query}: ${body.error ?? ""}`);
      return (body.signals ?? []).map((s) => s.version).sort();
    };

    before(async () => {
      iris = await trainIris();
      hub = await startHub(dialect, { GATEHOUSE_SIGNAL_SPIKE_MIN_CALLS: "3" });
      for (const name of ["olivia", "gina", "mary", "sam", "kim", "pat"]) {
        tokens[name] = await hub.createUser(name);
      }
      for (const [org, owner] of [
        ["acme", "olivia"],
        ["globex", "gina"],
      ] as const) {
        await expectStatus(
          hub.request("POST", "/api/orgs", { token: token(owner), json: { name: org } }),
          201,
        );
      }
      await expectStatus(
        hub.request("PUT", "/api/orgs/acme/members/mary", {
          token: token("olivia"),
          json: { role: "maintainer" },
        }),
        200,
      );
      for (const [id, owner, stage] of [
        ["acme/iris", "olivia", "open"],
        ["acme/lily", "olivia", "open"],
        ["globex/secret", "gina", "private"],
        ["olivia/iris", "olivia", "open"],
      ] as const) {
        await publishAt(hub, token(owner), id, stage, "v1", { "model.onnx": iris.bytes });
        await enable(hub, token(owner), id, "v1");
      }
      let calls = 0;
      for (const [caller, model] of CALLERS) {
        for (let i = 0; i < 3; i += 1) {
          const res = await hub.request(
            "POST",
            `/v2/models/${model.replace("/", "--")}/versions/v1/infer`,
            { token: token(caller), json: irisRequest(IRIS_ROWS) },
          );
          await res.arrayBuffer();
          assert.equal(res.status, 200, `${caller} calls ${model}`);
          calls += 1;
        }
      }
      await settleUsage(hub, calls);
      await hub.built.ctx.signals.settle();
      assert.equal((await versions("", hub.adminToken)).length, CALLERS.length);
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    it("lists one model's signals, and one organisation's, to an administrator", async () => {
      assert.deepEqual(await versions("?model=acme/iris", hub.adminToken), ["acme/iris@v1"]);
      assert.deepEqual(await versions("?model=ACME/Lily", hub.adminToken), ["acme/lily@v1"]);
      assert.deepEqual(await versions("?model=olivia/iris", hub.adminToken), ["olivia/iris@v1"]);
      assert.deepEqual(await versions("?org=acme", hub.adminToken), [
        "acme/iris@v1",
        "acme/lily@v1",
      ]);
      assert.deepEqual(await versions("?org=globex", hub.adminToken), ["globex/secret@v1"]);
      assert.deepEqual(await versions("?org=acme&model=acme/lily", hub.adminToken), [
        "acme/lily@v1",
      ]);
      assert.deepEqual(await versions("?org=globex&model=acme/lily", hub.adminToken), []);
      assert.deepEqual(await versions("?model=acme/iris&kind=probing", hub.adminToken), []);
    });

    it("answers an administrator an empty list for a model or organisation that does not exist", async () => {
      for (const query of [
        "?model=acme/nothing",
        "?model=nowhere/iris",
        "?org=nowhere",
        // A user's namespace is no organisation: its models' signals have none.
        "?org=olivia",
      ]) {
        assert.deepEqual(await versions(query, hub.adminToken), [], query);
      }
    });

    it("lists an organisation's owner the signals of its models, one model or all", async () => {
      const olivia = token("olivia");
      assert.deepEqual(await versions("?model=acme/iris", olivia), ["acme/iris@v1"]);
      assert.deepEqual(await versions("?org=acme", olivia), ["acme/iris@v1", "acme/lily@v1"]);
      assert.deepEqual(await versions("?org=ACME&state=all&limit=1", olivia), ["acme/lily@v1"]);
      // The owner sees every model of the organisation, so a missing one tells nothing.
      assert.deepEqual(await versions("?model=acme/nothing", olivia), []);
      assert.deepEqual(await versions("?org=globex", token("gina")), ["globex/secret@v1"]);
    });

    it("refuses an owner a model or organisation they do not own with one answer, whether it is hidden, visible or missing", async () => {
      const olivia = token("olivia");
      const refusals = [
        // Hidden from olivia, missing from an organisation that exists, or with no namespace at all.
        ["?model=globex/secret", "globex", "globex/secret"],
        ["?model=globex/nothing", "globex", "globex/nothing"],
        ["?model=nowhere/iris", "nowhere", "nowhere/iris"],
        // Her own namespace is no organisation: signals about it are for administrators.
        ["?model=olivia/iris", "olivia", "olivia/iris"],
      ] as const;
      for (const [query, namespace, model] of refusals) {
        const { status, body } = await list(query, olivia);
        assert.equal(status, 403, query);
        assert.equal(body.code, "FORBIDDEN", query);
        assert.equal(
          body.error,
          `only a hub administrator or an owner of the organisation "${namespace}" may read abuse signals about its model "${model}"`,
          query,
        );
      }
      for (const org of ["globex", "nowhere", "olivia"]) {
        const { status, body } = await list(`?org=${org}`, olivia);
        assert.equal(status, 403, org);
        assert.equal(body.code, "FORBIDDEN", org);
        assert.equal(
          body.error,
          `only a hub administrator or an owner of the organisation "${org}" may read abuse signals about its models`,
        );
      }
      // Each filter must name what she owns, the other one notwithstanding.
      const both = await list("?org=acme&model=globex/secret", olivia);
      assert.equal(both.status, 403);
    });

    it("refuses a maintainer who owns no organisation as before, whatever the filter", async () => {
      for (const query of ["?model=acme/iris", "?org=acme", "?model=nowhere/x"]) {
        const { status, body } = await list(query, token("mary"));
        assert.equal(status, 403, query);
        assert.equal(
          body.error,
          "only a hub administrator or an organisation's owner may read abuse signals",
        );
      }
      assert.equal((await hub.request("GET", "/api/usage/signals?org=acme")).status, 401);
    });

    it("refuses with 400 a model or organisation the hub could not name", async () => {
      const long = "a".repeat(97);
      for (const query of [
        "?model=acme",
        "?model=acme/iris/v1",
        "?model=/iris",
        "?model=acme/",
        "?model=acme/ir%20is",
        `?model=acme/${long}`,
        `?model=${long}/iris`,
        "?org=",
        "?org=acme/iris",
        "?org=ac%E2%84%AAme",
        `?org=${long}`,
      ]) {
        const { status, body } = await list(query, hub.adminToken);
        assert.equal(status, 400, query);
        assert.equal(body.code, "BAD_REQUEST", query);
      }
    });
  });
}
