import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { canonicalJson } from "../../src/audit/index.js";
import { settleUsage } from "../limits/usage-support.js";
import { expectError, expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import {
  binaryExampleModel,
  binaryExampleOutput0,
  halfAndTextModel,
  strings,
} from "./binary-models.js";
import { enable, irisRequest, IRIS_ROWS, publishAt, trainIris } from "./support.js";

const EXAMPLE = "/v2/models/acme--example/versions/v1/infer";
const TYPED = "/v2/models/acme--typed/versions/v1/infer";
const IRIS = "/v2/models/acme--iris/versions/v1/infer";

interface Tensor {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
  data?: unknown[];
}
interface Answer {
  model_name: string;
  model_version: string;
  id: string;
  outputs: Tensor[];
}

/** A binary-extension body written by hand, as the extension's document lays it out. */
function body(header: unknown, ...parts: Buffer[]): { bytes: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { bytes: Buffer.concat([json, ...parts]), headerLength: json.length };
}

function uint32s(values: readonly number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeUInt32LE(v, i * 4));
  return out;
}

function floats(values: readonly number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}

function halves(bits: readonly number[]): Buffer {
  const out = Buffer.alloc(bits.length * 2);
  bits.forEach((v, i) => out.writeUInt16LE(v, i * 2));
  return out;
}

/** A response read by hand: the JSON at the start, then each binary output's bytes by its size. */
async function readAnswer(res: Response): Promise<{ answer: Answer; binary: Map<string, Buffer> }> {
  const raw = Buffer.from(await res.arrayBuffer());
  const length = res.headers.get("inference-header-content-length");
  if (length === null) {
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    return { answer: JSON.parse(raw.toString("utf8")) as Answer, binary: new Map() };
  }
  assert.equal(res.headers.get("content-type"), "application/octet-stream");
  assert.equal(res.headers.get("content-length"), String(raw.length));
  const answer = JSON.parse(raw.toString("utf8", 0, Number(length))) as Answer;
  const binary = new Map<string, Buffer>();
  let offset = Number(length);
  for (const o of answer.outputs) {
    const size = o.parameters?.binary_data_size;
    if (typeof size === "number") {
      binary.set(o.name, raw.subarray(offset, offset + size));
      offset += size;
    }
  }
  assert.equal(offset, raw.length, "the binary outputs' sizes add up to the body");
  return { answer, binary };
}

const readFloats = (b: Buffer | undefined) =>
  Array.from({ length: (b?.length ?? 0) / 4 }, (_, i) => b?.readFloatLE(i * 4) ?? NaN);

for (const dialect of DIALECTS) {
  describe(`the OIP binary tensor data extension (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let owner: string;
    let caller: string;
    const post = (url: string, b: { bytes: Buffer; headerLength: number }, token = caller) =>
      hub.request("POST", url, {
        token,
        body: b.bytes,
        headers: {
          "content-type": "application/octet-stream",
          "inference-header-content-length": String(b.headerLength),
        },
      });
    const postJson = (url: string, json: unknown, token = caller) =>
      hub.request("POST", url, { token, json });

    before(async () => {
      iris = await trainIris();
      hub = await startHub(dialect);
      owner = await hub.createUser("olivia");
      caller = await hub.createUser("carl", ["read"]);
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await publishAt(hub, owner, "acme/example", "api", "v1", {
        "model.onnx": binaryExampleModel(),
      });
      await publishAt(hub, owner, "acme/typed", "api", "v1", { "model.onnx": halfAndTextModel() });
      for (const id of ["acme/iris", "acme/example", "acme/typed"]) {
        await enable(hub, owner, id, "v1");
      }
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    it("advertises binary_tensor_data in the server metadata", async () => {
      const server = (await (await expectStatus(hub.request("GET", "/v2"), 200)).json()) as {
        extensions: string[];
      };
      assert.deepEqual(server.extensions, ["binary_tensor_data"]);
    });

    it("answers the extension's example request with its example response", async () => {
      // extension_binary_data.md: input0 UINT32 [2,2] in 16 bytes, input1 BOOL [3] in 3,
      // output0 asked for as binary; the answer is a [3,2] FP32 tensor in 24 bytes.
      const request = body(
        {
          model_name: "mymodel",
          inputs: [
            {
              name: "input0",
              shape: [2, 2],
              datatype: "UINT32",
              parameters: { binary_data_size: 16 },
            },
            { name: "input1", shape: [3], datatype: "BOOL", parameters: { binary_data_size: 3 } },
          ],
          outputs: [{ name: "output0", parameters: { binary_data: true } }],
        },
        uint32s([1, 2, 3, 4]),
        Buffer.from([1, 0, 1]),
      );
      assert.equal(request.bytes.length, request.headerLength + 19);
      const res = await expectStatus(post(EXAMPLE, request), 200);
      const { answer, binary } = await readAnswer(res);
      assert.deepEqual(answer.outputs, [
        { name: "output0", shape: [3, 2], datatype: "FP32", parameters: { binary_data_size: 24 } },
      ]);
      assert.equal(answer.model_name, "acme--example");
      assert.deepEqual(
        readFloats(binary.get("output0")),
        binaryExampleOutput0([1, 2, 3, 4], [true, false, true]),
      );
    });

    it("answers JSON to a binary request that asks no binary output, and takes JSON and binary inputs mixed", async () => {
      const request = body(
        {
          id: "mixed",
          inputs: [
            {
              name: "input0",
              shape: [2, 2],
              datatype: "UINT32",
              data: [
                [5, 6],
                [7, 8],
              ],
            },
            { name: "input1", shape: [3], datatype: "BOOL", parameters: { binary_data_size: 3 } },
          ],
        },
        Buffer.from([0, 1, 1]),
      );
      const res = await expectStatus(post(EXAMPLE, request), 200);
      assert.equal(res.headers.get("inference-header-content-length"), null);
      const { answer } = await readAnswer(res);
      assert.equal(answer.id, "mixed");
      assert.deepEqual(answer.outputs, [
        {
          name: "output0",
          datatype: "FP32",
          shape: [3, 2],
          data: binaryExampleOutput0([5, 6, 7, 8], [false, true, true]),
        },
        { name: "output1", datatype: "BOOL", shape: [3], data: [false, true, true] },
      ]);
    });

    it("gives the same outputs for one Iris call in JSON and in binary, the per-output flag winning over the request's", async () => {
      const json = (await (
        await expectStatus(postJson(IRIS, irisRequest(IRIS_ROWS)), 200)
      ).json()) as Answer;
      const request = body(
        {
          parameters: { binary_data_output: true },
          inputs: [
            {
              name: "features",
              shape: [4, 4],
              datatype: "FP32",
              parameters: { binary_data_size: 64 },
            },
          ],
          outputs: [
            { name: "probabilities" },
            { name: "label", parameters: { binary_data: false } },
          ],
        },
        floats(IRIS_ROWS.flat()),
      );
      const { answer, binary } = await readAnswer(await expectStatus(post(IRIS, request), 200));
      const probabilities = json.outputs.find((o) => o.name === "probabilities");
      const label = json.outputs.find((o) => o.name === "label");
      assert.deepEqual(answer.outputs, [
        {
          name: "probabilities",
          datatype: "FP32",
          shape: [4, 3],
          parameters: { binary_data_size: 48 },
        },
        label,
      ]);
      assert.deepEqual(readFloats(binary.get("probabilities")), probabilities?.data);

      // JSON in, binary out: the same values again.
      const asked = await expectStatus(
        postJson(
          IRIS,
          irisRequest(IRIS_ROWS, {
            outputs: [{ name: "label", parameters: { binary_data: true } }],
          }),
        ),
        200,
      );
      const labels = (await readAnswer(asked)).binary.get("label");
      assert.deepEqual(
        Array.from({ length: 4 }, (_, i) => Number(labels?.readBigInt64LE(i * 8))),
        label?.data,
      );
    });

    it("carries FP16 and BYTES through a model both ways, and refuses FP16 as JSON", async () => {
      // 0.5, -1.25, 2048, 1 as IEEE half bits.
      const half = [0x3800, 0xbd00, 0x6800, 0x3c00];
      const text = ["héllo", ""];
      const request = body(
        {
          parameters: { binary_data_output: true },
          inputs: [
            { name: "half", shape: [2, 2], datatype: "FP16", parameters: { binary_data_size: 8 } },
            { name: "text", shape: [2], datatype: "BYTES", parameters: { binary_data_size: 14 } },
          ],
          outputs: [
            { name: "half_out" },
            { name: "as_float", parameters: { binary_data: false } },
            { name: "text_out" },
          ],
        },
        halves(half),
        strings(text),
      );
      const { answer, binary } = await readAnswer(await expectStatus(post(TYPED, request), 200));
      assert.deepEqual(
        answer.outputs.map((o) => [o.name, o.datatype, o.shape, o.parameters ?? o.data]),
        [
          ["half_out", "FP16", [2, 2], { binary_data_size: 8 }],
          ["as_float", "FP32", [2, 2], [0.5, -1.25, 2048, 1]],
          ["text_out", "BYTES", [2], { binary_data_size: 14 }],
        ],
      );
      assert.deepEqual(binary.get("half_out"), halves(half));
      assert.deepEqual(binary.get("text_out"), strings(text));

      // BYTES as JSON both ways beside a binary FP16 input.
      const mixed = body(
        {
          inputs: [
            { name: "half", shape: [1, 2], datatype: "FP16", parameters: { binary_data_size: 4 } },
            { name: "text", shape: [1], datatype: "BYTES", data: ["名字"] },
          ],
          outputs: [{ name: "text_out" }, { name: "as_float" }],
        },
        halves([0x3c00, 0xc000]),
      );
      const plain = await readAnswer(await expectStatus(post(TYPED, mixed), 200));
      assert.deepEqual(
        plain.answer.outputs.map((o) => o.data),
        [["名字"], [1, -2]],
      );

      const asJson = await expectError(
        postJson(TYPED, {
          inputs: [
            { name: "half", shape: [1, 2], datatype: "FP16", data: [1, 2] },
            { name: "text", shape: [1], datatype: "BYTES", data: ["a"] },
          ],
        }),
        400,
        "BAD_REQUEST",
      );
      assert.equal(
        asJson.error,
        'input "half": FP16 has no JSON form; send it as binary data (parameters.binary_data_size, the binary tensor extension)',
      );
      const outJson = await expectError(
        post(
          TYPED,
          body(
            {
              inputs: [
                {
                  name: "half",
                  shape: [1, 2],
                  datatype: "FP16",
                  parameters: { binary_data_size: 4 },
                },
                { name: "text", shape: [1], datatype: "BYTES", data: ["a"] },
              ],
              outputs: [{ name: "half_out" }],
            },
            halves([0, 0]),
          ),
        ),
        400,
        "BAD_REQUEST",
      );
      assert.equal(
        outJson.error,
        'output "half_out" is FP16, which has no JSON form; ask for it as binary data: "parameters": {"binary_data": true} on the output, or {"binary_data_output": true} on the request',
      );
    });

    it("refuses a malformed binary body with 400 naming what to fix", async () => {
      const input0 = { name: "input0", shape: [2, 2], datatype: "UINT32" };
      const input1 = { name: "input1", shape: [3], datatype: "BOOL" };
      const good = body(
        {
          inputs: [
            { ...input0, parameters: { binary_data_size: 16 } },
            { ...input1, parameters: { binary_data_size: 3 } },
          ],
        },
        uint32s([1, 2, 3, 4]),
        Buffer.from([1, 0, 1]),
      );
      const send = (b: Buffer, headers: Record<string, string>) =>
        hub.request("POST", EXAMPLE, {
          token: caller,
          body: b,
          headers: { "content-type": "application/octet-stream", ...headers },
        });
      const cases: [Promise<Response>, string][] = [
        [
          send(good.bytes, {}),
          "a body of binary tensors needs the Inference-Header-Content-Length header: the length in bytes of the JSON at its start",
        ],
        [
          send(good.bytes, { "inference-header-content-length": "abc" }),
          'Inference-Header-Content-Length "abc" is not a whole number of bytes',
        ],
        [
          send(good.bytes, { "inference-header-content-length": String(good.bytes.length + 1) }),
          `Inference-Header-Content-Length is ${good.bytes.length + 1} bytes but the whole body holds only ${good.bytes.length}`,
        ],
        [
          post(
            EXAMPLE,
            body(
              {
                inputs: [
                  { ...input0, parameters: { binary_data_size: 12 } },
                  { ...input1, parameters: { binary_data_size: 3 } },
                ],
              },
              uint32s([1, 2, 3]),
              Buffer.from([1, 0, 1]),
            ),
          ),
          'input "input0": parameters.binary_data_size is 12 bytes but shape [2,2] of UINT32 takes 16 (4 × 4)',
        ],
        [
          post(
            EXAMPLE,
            body(
              {
                inputs: [
                  { ...input0, parameters: { binary_data_size: 16 } },
                  { ...input1, parameters: { binary_data_size: 3 } },
                ],
              },
              uint32s([1, 2, 3, 4]),
              Buffer.from([1, 0, 1, 9]),
            ),
          ),
          "the body holds 20 bytes of tensor data after the JSON header but the inputs' binary_data_size add up to 19; they must account for every byte",
        ],
        [
          post(
            EXAMPLE,
            body(
              {
                inputs: [
                  { ...input0, data: [1, 2, 3, 4], parameters: { binary_data_size: 16 } },
                  { ...input1, parameters: { binary_data_size: 3 } },
                ],
              },
              uint32s([1, 2, 3, 4]),
              Buffer.from([1, 0, 1]),
            ),
          ),
          'input "input0" has both data and parameters.binary_data_size; give its values one way',
        ],
        [
          post(
            TYPED,
            body(
              {
                inputs: [
                  {
                    name: "half",
                    shape: [1, 2],
                    datatype: "FP16",
                    parameters: { binary_data_size: 4 },
                  },
                  {
                    name: "text",
                    shape: [1],
                    datatype: "BYTES",
                    parameters: { binary_data_size: 6 },
                  },
                ],
              },
              halves([0, 0]),
              Buffer.from([9, 0, 0, 0, 0x61, 0x62]),
            ),
          ),
          "input \"text\": element 0's length prefix says 9 bytes but only 2 are left in the tensor's binary data",
        ],
      ];
      for (const [res, message] of cases) {
        const refused = await expectError(res, 400, "BAD_REQUEST");
        assert.equal(refused.error, message);
      }
      const notJson = await expectError(
        send(good.bytes, { "inference-header-content-length": "10" }),
        400,
        "BAD_REQUEST",
      );
      assert.match(
        notJson.error,
        /^the first 10 bytes of the body \(Inference-Header-Content-Length\) are not JSON: /,
      );
      // The whole body, tensors included, counts against the hub's body limit.
      const large = body(
        {
          inputs: [
            { ...input0, parameters: { binary_data_size: 16 } },
            { ...input1, parameters: { binary_data_size: 1024 * 1024 } },
          ],
        },
        uint32s([1, 2, 3, 4]),
        Buffer.alloc(1024 * 1024),
      );
      const tooLarge = await expectError(post(EXAMPLE, large), 413, "PAYLOAD_TOO_LARGE");
      assert.equal(tooLarge.error, "the request body is larger than 1 MiB; send less");
    });

    it("refuses binary tensors to a caller whose limits say binaryTensors: false, naming the rule", async () => {
      await expectStatus(
        hub.request("PUT", "/api/limits/default", {
          token: hub.adminToken,
          json: { functions: { binaryTensors: false } },
        }),
        200,
      );
      try {
        const request = body(
          {
            inputs: [
              {
                name: "features",
                shape: [1, 4],
                datatype: "FP32",
                parameters: { binary_data_size: 16 },
              },
            ],
          },
          floats(IRIS_ROWS[0] ?? []),
        );
        const message =
          "the hub's default limits refuse this call: the binary tensor extension may not be used; send the tensors as JSON";
        const refused = await expectError(post(IRIS, request), 403, "USAGE_NOT_ALLOWED");
        assert.equal(refused.error, message);
        const asked = await expectError(
          postJson(IRIS, irisRequest(IRIS_ROWS, { parameters: { binary_data_output: true } })),
          403,
          "USAGE_NOT_ALLOWED",
        );
        assert.equal(asked.error, message);
        await expectStatus(postJson(IRIS, irisRequest(IRIS_ROWS)), 200);
      } finally {
        await expectStatus(
          hub.request("DELETE", "/api/limits/default", { token: hub.adminToken }),
          204,
        );
      }
    });

    it("batches binary calls, giving each its own rows, and records each with a hash of its tensor bytes", async () => {
      await expectStatus(
        hub.request("PUT", "/api/models/acme/typed/versions/v1/serving", {
          token: owner,
          json: { workers: 1, maxBatch: 6, maxDelayMs: 1000 },
        }),
        200,
      );
      const before = hub.built.ctx.usage.stats().recorded;
      const calls = [1, 2, 3].map((n) => {
        const bits = Array.from({ length: n * 2 }, (_, i) => 0x3c00 + n * 16 + i);
        const texts = Array.from({ length: n }, (_, i) => `call ${n} row ${i}`);
        const header = {
          inputs: [
            {
              name: "half",
              shape: [n, 2],
              datatype: "FP16",
              parameters: { binary_data_size: n * 4 },
            },
            {
              name: "text",
              shape: [n],
              datatype: "BYTES",
              parameters: { binary_data_size: strings(texts).length },
            },
          ],
          parameters: { binary_data_output: true },
          outputs: [{ name: "half_out" }, { name: "text_out" }],
        };
        return { n, bits, texts, header, request: body(header, halves(bits), strings(texts)) };
      });
      const answers = await Promise.all(
        calls.map(async (c) => readAnswer(await expectStatus(post(TYPED, c.request), 200))),
      );
      answers.forEach(({ binary }, i) => {
        const c = calls[i];
        assert.deepEqual(binary.get("half_out"), halves(c?.bits ?? []));
        assert.deepEqual(binary.get("text_out"), strings(c?.texts ?? []));
      });
      const status = (await (
        await expectStatus(
          hub.request("GET", "/api/models/acme/typed/versions/v1/serving", { token: owner }),
          200,
        )
      ).json()) as { batches: number; batchedCalls: number };
      assert.equal(status.batchedCalls, 3, JSON.stringify(status));

      await settleUsage(hub, before + 3);
      const records = await hub.built.ctx.db
        .selectFrom("usage_records")
        .select(["input_hash", "batch_rows", "status"])
        .where("status", "=", 200)
        .execute();
      for (const c of calls) {
        const hash = createHash("sha256")
          .update(canonicalJson(c.header.inputs))
          .update(Buffer.concat([halves(c.bits), strings(c.texts)]))
          .digest("hex");
        assert.ok(
          records.some((r) => r.input_hash === hash && r.batch_rows === c.n),
          `the call of ${c.n} rows is recorded with its hash`,
        );
      }
    });
  });
}
