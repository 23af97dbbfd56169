import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { serveTinyLm, trainTinyLm, type TinyLm } from "../openai/support.js";
import { expectStatus } from "../security/support.js";
import { enable, IRIS_ROWS, publishAt, trainIris } from "../serve/support.js";
import { startHub, type TestHub } from "../support/harness.js";
import { settleUsage } from "./usage-support.js";

const INFER = "/v2/models/acme--iris/versions/v1/infer";
const LM = "acme/tiny-lm@v1";

/** Five near-duplicate calls of a key in ten minutes open the signal. */
const ENV = { GATEHOUSE_SIGNAL_DUPLICATE_CALLS: "5" };

interface Signal {
  kind: string;
  subject: { kind: string; id: string | null };
  version: string | null;
  count: number;
  details: Record<string, unknown>;
}

/** Iris rows as the binary tensor extension sends them: FP32, little-endian, after the JSON. */
function binaryIris(rows: readonly (readonly number[])[]): { bytes: Buffer; headerLength: number } {
  const data = Buffer.alloc(rows.length * 16);
  rows.flat().forEach((v, i) => data.writeFloatLE(v, i * 4));
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        {
          name: "features",
          shape: [rows.length, 4],
          datatype: "FP32",
          parameters: { binary_data_size: data.length },
        },
      ],
    }),
  );
  return { bytes: Buffer.concat([header, data]), headerLength: header.length };
}

/** A question that differs from the others by one word: about 90% of its shingles are shared. */
const question = (chapter: string) =>
  `Tell me about chapter ${chapter} of the whale book, in plain words, as a sailor would tell it to a child by the fire on a long winter night.`;
const CHAPTERS = ["one", "two", "six", "ten", "nine", "five"];

// The detectors keep their state in memory, whatever the store: one dialect is enough.
describe("near-duplicate signals from binary tensors and from prompts", () => {
  let hub: TestHub;
  let iris: Awaited<ReturnType<typeof trainIris>>;
  let lm: TinyLm;
  let caller: string;
  const tokens: Record<string, string> = {};
  let calls = 0;

  const post = async (token: string, url: string, json: unknown) => {
    calls += 1;
    const res = await hub.request("POST", url, { token, json });
    assert.equal(res.status, 200, `${url}: ${await res.text()}`);
  };
  const postBinary = async (token: string, body: { bytes: Buffer; headerLength: number }) => {
    calls += 1;
    const res = await hub.request("POST", INFER, {
      token,
      body: body.bytes,
      headers: {
        "content-type": "application/octet-stream",
        "inference-header-content-length": String(body.headerLength),
      },
    });
    assert.equal(res.status, 200, await res.text());
  };
  /** The open near_duplicates signals about `user`'s token, once every call so far went through the detectors. */
  const signalsOf = async (user: string): Promise<Signal[]> => {
    await settleUsage(hub, calls);
    await hub.built.ctx.signals.settle();
    const tokenId = (
      await hub.built.ctx.db
        .selectFrom("tokens as t")
        .innerJoin("namespaces as n", "n.id", "t.user_id")
        .select("t.id")
        .where("n.name", "=", user)
        .executeTakeFirstOrThrow()
    ).id;
    const res = await expectStatus(
      hub.request("GET", "/api/usage/signals?kind=near_duplicates", { token: hub.adminToken }),
      200,
    );
    const { signals } = (await res.json()) as { signals: Signal[] };
    return signals.filter((s) => s.subject.kind === "token" && s.subject.id === tokenId);
  };

  before(async () => {
    [iris, lm] = await Promise.all([trainIris(), trainTinyLm()]);
    hub = await startHub("sqlite", ENV);
    let owner: string;
    ({ owner, caller } = await serveTinyLm(hub, lm));
    await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
    await enable(hub, owner, "acme/iris", "v1");
    for (const name of ["bea", "ida", "pam", "ned"]) {
      tokens[name] = await hub.createUser(name);
    }
  });
  after(async () => {
    await hub.close();
    await Promise.all([iris.cleanup(), lm.cleanup()]);
  });

  it("opens near_duplicates on a flood of slightly varied binary tensors, and not on the same tensor sent again", async () => {
    // Ten rows (40 values); each call moves one value far: about 95% of the shingles stay.
    const rows = Array.from({ length: 10 }, (_, i) => IRIS_ROWS[i % 4]?.map((v) => v + i) ?? []);
    for (let call = 0; call < 6; call += 1) {
      const varied = rows.map((row, i) =>
        i === call ? row.map((v, j) => (j === 0 ? v + 50 : v)) : row,
      );
      await postBinary(tokens.bea ?? "", binaryIris(varied));
      await postBinary(tokens.ida ?? "", binaryIris(rows));
    }
    const [flood, ...more] = await signalsOf("bea");
    assert.equal(more.length, 0);
    assert.deepEqual(
      [flood?.kind, flood?.version, flood?.count, flood?.details.nearDuplicates],
      ["near_duplicates", "acme/iris@v1", 5, 5],
    );
    // The same body again and again is a cache's business, not extraction.
    assert.deepEqual(await signalsOf("ida"), []);
  });

  it("opens near_duplicates on a flood of near-identical chat prompts, and not on the same prompt sent again", async () => {
    for (const chapter of CHAPTERS) {
      await post(caller, "/v1/chat/completions", {
        model: LM,
        messages: [{ role: "user", content: question(chapter) }],
        max_tokens: 1,
      });
      // Sampling settings are not the prompt: the same question at another temperature is the same input.
      await post(tokens.pam ?? "", "/v1/chat/completions", {
        model: LM,
        messages: [{ role: "user", content: question("one") }],
        max_tokens: 1,
        temperature: chapter.length / 4,
      });
    }
    const [flood, ...more] = await signalsOf("carl");
    assert.equal(more.length, 0);
    assert.deepEqual([flood?.kind, flood?.version, flood?.count], ["near_duplicates", LM, 5]);
    assert.deepEqual(await signalsOf("pam"), []);
    // The records hold each prompt's hash, the same for the same prompt, and never the prompt.
    const records = await hub.built.ctx.db
      .selectFrom("usage_records as r")
      .innerJoin("namespaces as n", "n.id", "r.user_id")
      .select(["n.name", "r.input_hash"])
      .where("r.endpoint", "=", "chat")
      .execute();
    const hashesOf = (name: string) =>
      new Set(records.filter((r) => r.name === name).map((r) => r.input_hash));
    assert.equal(hashesOf("carl").size, CHAPTERS.length);
    assert.equal(hashesOf("pam").size, 1);
    assert.ok(records.every((r) => /^[0-9a-f]{64}$/.test(r.input_hash ?? "")));
  });

  it("counts completions and embeddings of near-identical texts together, as one key's flood", async () => {
    const ned = tokens.ned ?? "";
    for (const [i, chapter] of CHAPTERS.entries()) {
      if (i % 2 === 0) {
        await post(ned, "/v1/completions", { model: LM, prompt: question(chapter), max_tokens: 1 });
      } else {
        await post(ned, "/v1/embeddings", { model: LM, input: question(chapter) });
      }
    }
    const [flood] = await signalsOf("ned");
    assert.deepEqual([flood?.kind, flood?.version, flood?.count], ["near_duplicates", LM, 5]);
  });
});
