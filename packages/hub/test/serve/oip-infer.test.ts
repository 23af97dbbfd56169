import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { askAccess, gatedCard } from "../access/gate-support.js";
import { expectStatus } from "../security/support.js";
import { DIALECTS, startHub, type TestHub } from "../support/harness.js";
import { SPEC_OUTPUT0, specExampleModel } from "./spec-model.js";
import {
  enable,
  irisRequest,
  IRIS_ROWS,
  publishAt,
  referenceOutputs,
  trainIris,
} from "./support.js";

interface InferAnswer {
  model_name: string;
  model_version?: string;
  id: string;
  outputs: { name: string; datatype: string; shape: number[]; data: number[] }[];
}

const TOLERANCE = 1e-6;

function assertClose(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const a = actual[i] ?? NaN;
    assert.ok(Math.abs(a - e) <= TOLERANCE, `${what}[${i}]: ${a} vs ${e}`);
  });
}

/** Posts an inference and returns status and parsed body. */
async function call(
  hub: TestHub,
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await hub.request("POST", url, {
    ...(token === undefined ? {} : { token }),
    json: body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

for (const dialect of DIALECTS) {
  describe(`Open Inference Protocol v2 over the served versions (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let owner: string;
    let caller: string;

    before(async () => {
      iris = await trainIris();
      hub = await startHub(dialect);
      owner = await hub.createUser("olivia");
      caller = await hub.createUser("carl");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      await publishAt(hub, owner, "acme/iris", "api", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/iris", "v1");
      await publishAt(hub, owner, "acme/spec", "api", "v1", { "model.onnx": specExampleModel() });
      await enable(hub, owner, "acme/spec", "v1");
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    it("answers the server endpoints, advertising the binary tensor data extension", async () => {
      const server = await expectStatus(hub.request("GET", "/v2"), 200);
      assert.deepEqual(await server.json(), {
        name: "gatehouse",
        version: "0.1.0",
        extensions: ["binary_tensor_data"],
      });
      assert.deepEqual(
        await (await expectStatus(hub.request("GET", "/v2/health/live"), 200)).json(),
        {
          live: true,
        },
      );
      assert.deepEqual(
        await (await expectStatus(hub.request("GET", "/v2/health/ready"), 200)).json(),
        {
          ready: true,
        },
      );
    });

    it("lists the serving and protocol routes in /openapi.json", async () => {
      const doc = (await (await expectStatus(hub.request("GET", "/openapi.json"), 200)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      for (const [route, method] of [
        ["/api/models/{namespace}/{name}/versions/{version}/serving", "put"],
        ["/api/models/{namespace}/{name}/versions/{version}/serving", "delete"],
        ["/api/serving", "get"],
        ["/v2", "get"],
        ["/v2/health/ready", "get"],
        ["/v2/models/{model}", "get"],
        ["/v2/models/{model}/versions/{version}/ready", "get"],
        ["/v2/models/{model}/infer", "post"],
        ["/v2/models/{model}/versions/{version}/infer", "post"],
      ] as const) {
        assert.ok(doc.paths[route]?.[method] !== undefined, `${method} ${route}`);
      }
    });

    it("serves an api-stage Iris model to a user who may call it but not download it, as onnxruntime computes it", async () => {
      const download = await hub.request("GET", "/acme/iris/resolve/v1/model.onnx", {
        token: caller,
      });
      assert.equal(download.status, 403);
      assert.match(await download.text(), /released for hosted inference only/);

      const { status, body } = await call(
        hub,
        "/v2/models/acme--iris/versions/v1/infer",
        irisRequest(IRIS_ROWS, { id: "iris-1" }),
        caller,
      );
      assert.equal(status, 200, JSON.stringify(body));
      const answer = body as unknown as InferAnswer;
      assert.equal(answer.model_name, "acme--iris");
      assert.equal(answer.model_version, "v1");
      assert.equal(answer.id, "iris-1");
      const reference = await referenceOutputs(iris.file, IRIS_ROWS);
      const probabilities = answer.outputs.find((o) => o.name === "probabilities");
      const label = answer.outputs.find((o) => o.name === "label");
      assert.deepEqual(
        [probabilities?.datatype, probabilities?.shape, label?.datatype, label?.shape],
        ["FP32", [4, 3], "INT64", [4]],
      );
      assertClose(probabilities?.data ?? [], reference.probabilities, "probabilities");
      assert.deepEqual(label?.data, reference.label);
    });

    it("takes flat data like nested, picks the newest callable version without a version segment, and returns only the outputs asked for", async () => {
      const { status, body } = await call(
        hub,
        "/v2/models/acme--iris/infer",
        {
          inputs: [{ name: "features", shape: [4, 4], datatype: "FP32", data: IRIS_ROWS.flat() }],
          outputs: [{ name: "label" }],
        },
        caller,
      );
      assert.equal(status, 200, JSON.stringify(body));
      const answer = body as unknown as InferAnswer;
      assert.equal(answer.model_version, "v1");
      assert.deepEqual(
        answer.outputs.map((o) => o.name),
        ["label"],
      );
      assert.deepEqual(
        answer.outputs[0]?.data,
        (await referenceOutputs(iris.file, IRIS_ROWS)).label,
      );
      // Without an id in the request, the hub's request id stands in.
      assert.equal(typeof answer.id, "string");
    });

    it("shows model metadata with -1 for a symbolic dimension, and readiness", async () => {
      const meta = await expectStatus(
        hub.request("GET", "/v2/models/acme--iris/versions/v1", { token: caller }),
        200,
      );
      assert.deepEqual(await meta.json(), {
        name: "acme--iris",
        versions: ["v1"],
        platform: "onnxruntime_onnx",
        inputs: [{ name: "features", datatype: "FP32", shape: [-1, 4] }],
        outputs: [
          { name: "probabilities", datatype: "FP32", shape: [-1, 3] },
          { name: "label", datatype: "INT64", shape: [-1] },
        ],
      });
      const ready = await expectStatus(
        hub.request("GET", "/v2/models/acme--iris/ready", { token: caller }),
        200,
      );
      assert.deepEqual(await ready.json(), { name: "acme--iris", ready: true });
    });

    it("answers the specification's example request with its example response", async () => {
      // inference_rest.md's request, without its second input: `input1` has shape [3]
      // but one BOOL value, which breaks the protocol's own rule that the data holds
      // prod(shape) values (serving.md §1), so it would rightly be refused.
      const request = {
        id: "42",
        inputs: [{ name: "input0", shape: [2, 2], datatype: "UINT32", data: [1, 2, 3, 4] }],
        outputs: [{ name: "output0" }],
      };
      const { status, body } = await call(hub, "/v2/models/acme--spec/infer", request, caller);
      assert.equal(status, 200, JSON.stringify(body));
      const answer = body as unknown as InferAnswer;
      assert.equal(answer.id, "42");
      assert.equal(answer.outputs.length, 1);
      const [output0] = answer.outputs;
      assert.deepEqual(
        [output0?.name, output0?.shape, output0?.datatype],
        ["output0", [3, 2], "FP32"],
      );
      // FP32 values come back as the float32 nearest the example's decimals.
      assertClose(output0?.data ?? [], SPEC_OUTPUT0.map(Math.fround), "output0");

      // The tensor-data section's nested form of the same input, row-major.
      const nested = await call(
        hub,
        "/v2/models/acme--spec/infer",
        {
          inputs: [
            {
              name: "input0",
              shape: [2, 2],
              datatype: "UINT32",
              data: [
                [1, 2],
                [3, 4],
              ],
            },
          ],
          outputs: [{ name: "output1" }],
        },
        caller,
      );
      assert.equal(nested.status, 200, JSON.stringify(nested.body));
      assert.deepEqual((nested.body as unknown as InferAnswer).outputs[0]?.data, [1, 2, 3, 4]);
    });

    it("refuses bad input with 400 naming the tensor", async () => {
      const url = "/v2/models/acme--iris/versions/v1/infer";
      const cases: [unknown, string][] = [
        [
          { inputs: [{ name: "petals", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }] },
          'input "petals" is not an input of acme--iris; its inputs are "features"',
        ],
        [
          { inputs: [{ name: "features", shape: [1, 4], datatype: "FP64", data: [1, 2, 3, 4] }] },
          'input "features" has datatype FP64 but the model reads FP32',
        ],
        [
          {
            inputs: [{ name: "features", shape: [1, 5], datatype: "FP32", data: [1, 2, 3, 4, 5] }],
          },
          'input "features" has shape [1,5] but the model reads [-1,4] (-1: any size)',
        ],
        [
          { inputs: [{ name: "features", shape: [2, 4], datatype: "FP32", data: [1, 2, 3, 4] }] },
          'input "features" has 4 values but its shape [2,4] holds 8',
        ],
        [
          {
            inputs: [
              {
                name: "features",
                shape: [2, 4],
                datatype: "FP32",
                data: [
                  [1, 2, 3, 4],
                  [5, 6, 7],
                ],
              },
            ],
          },
          'input "features": nested data is ragged: lists at depth 1 hold 4 and 3 values; give every row the same length',
        ],
        [
          { inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [1, 2, "x", 4] }] },
          'input "features": value 2 ("x") is not a number, as datatype FP32 needs',
        ],
        [
          irisRequest(IRIS_ROWS, { outputs: [{ name: "logits" }] }),
          'output "logits" is not an output of acme--iris; its outputs are "probabilities", "label"',
        ],
      ];
      for (const [request, message] of cases) {
        const { status, body } = await call(hub, url, request, caller);
        assert.equal(status, 400, JSON.stringify(body));
        assert.equal(body.error, message);
      }
      const malformed = await hub.request("POST", url, {
        token: caller,
        body: '{"inputs": [',
        headers: { "content-type": "application/json" },
      });
      assert.equal(malformed.status, 400);
      assert.equal(typeof ((await malformed.json()) as { error: unknown }).error, "string");
    });

    it("answers 404 {error} for an unknown model or version, alike for one the caller may not see", async () => {
      await publishAt(hub, owner, "acme/secret", "private", "v1", { "model.onnx": iris.bytes });
      await enable(hub, owner, "acme/secret", "v1");
      for (const [url, message] of [
        ["/v2/models/acme--nothing/infer", "Model with name acme--nothing does not exist."],
        ["/v2/models/acme--secret/infer", "Model with name acme--secret does not exist."],
        ["/v2/models/nodashes/infer", "Model with name nodashes does not exist."],
        [
          "/v2/models/acme--iris/versions/v9/infer",
          "Model with name acme--iris and version v9 does not exist.",
        ],
      ] as const) {
        const { status, body } = await call(hub, url, irisRequest(IRIS_ROWS), caller);
        assert.equal(status, 404, url);
        assert.equal(body.error, message);
      }
    });
  });

  describe(`who may call a served version (${dialect})`, () => {
    let hub: TestHub;
    let iris: Awaited<ReturnType<typeof trainIris>>;
    let owner: string;
    let stranger: string;
    let tester: string;
    let asker: string;

    before(async () => {
      iris = await trainIris();
      hub = await startHub(dialect);
      owner = await hub.createUser("olivia");
      stranger = await hub.createUser("sam");
      tester = await hub.createUser("tess");
      asker = await hub.createUser("ada");
      await expectStatus(
        hub.request("POST", "/api/orgs", { token: owner, json: { name: "acme" } }),
        201,
      );
      const model = { "model.onnx": iris.bytes };
      for (const [id, stage] of [
        ["acme/api", "api"],
        ["acme/open", "open"],
        ["acme/staged", "staged"],
        ["acme/private", "private"],
      ] as const) {
        await publishAt(hub, owner, id, stage, "v1", model);
        await enable(hub, owner, id, "v1");
      }
      await publishAt(hub, owner, "acme/gated", "gated", "v1", {
        ...model,
        "README.md": gatedCard({ approval: "auto" }),
      });
      await enable(hub, owner, "acme/gated", "v1");
      await expectStatus(
        hub.request("PUT", "/api/models/acme/staged/testers/tess", { token: owner }),
        204,
      );
    });
    after(async () => {
      await hub.close();
      await iris.cleanup();
    });

    const statusOf = async (model: string, token: string | undefined) =>
      (await call(hub, `/v2/models/${model}/versions/v1/infer`, irisRequest(IRIS_ROWS), token))
        .status;

    it("follows the stage table: api and open for signed-in callers, staged for testers, private for insiders", async () => {
      const matrix: [string, string | undefined, number][] = [
        ["acme--api", undefined, 401],
        ["acme--api", stranger, 200],
        ["acme--open", undefined, 401],
        ["acme--open", stranger, 200],
        ["acme--staged", stranger, 404],
        ["acme--staged", tester, 200],
        ["acme--private", stranger, 404],
        ["acme--private", owner, 200],
        ["acme--gated", stranger, 403],
        ["acme--gated", owner, 200],
      ];
      for (const [model, token, expected] of matrix) {
        assert.equal(await statusOf(model, token), expected, `${model} by ${token ?? "anonymous"}`);
      }
    });

    it("lets a gated version be called once access is granted", async () => {
      assert.equal(await statusOf("acme--gated", asker), 403);
      await expectStatus(askAccess(hub, asker, "acme/gated"), 201);
      assert.equal(await statusOf("acme--gated", asker), 200);
    });

    it("stops answering a withdrawn version at once, to everyone", async () => {
      assert.equal(await statusOf("acme--api", stranger), 200);
      await expectStatus(
        hub.request("POST", "/api/models/acme/api/versions/v1/transitions", {
          token: owner,
          json: { to: "withdrawn", reason: "found to leak training data" },
        }),
        200,
      );
      const refused = await call(
        hub,
        "/v2/models/acme--api/versions/v1/infer",
        irisRequest(IRIS_ROWS),
        stranger,
      );
      assert.equal(refused.status, 410);
      assert.match(
        String(refused.body.error),
        /acme\/api@v1 was withdrawn.*found to leak training data/,
      );
      assert.equal(await statusOf("acme--api", owner), 410);
    });
  });
}
