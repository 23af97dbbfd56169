import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HubError } from "../../src/errors/index.js";
import { decodeRequest, encodeOutputs } from "../../src/serve/oip-tensors.js";
import type { ModelSignature } from "../../src/serve/tensor-types.js";

const SIGNATURE: ModelSignature = {
  inputs: [
    { name: "ids", datatype: "INT64", shape: [-1, 3] },
    { name: "mask", datatype: "BOOL", shape: [-1, 3] },
    { name: "text", datatype: "BYTES", shape: [-1] },
  ],
  outputs: [{ name: "score", datatype: "FP32", shape: [-1] }],
};

const NO_BYTES = new Uint8Array(0);

const good = {
  inputs: [
    { name: "ids", shape: [1, 3], datatype: "INT64", data: [[1, 2, 3]] },
    { name: "mask", shape: [1, 3], datatype: "BOOL", data: [true, false, true] },
    { name: "text", shape: [1], datatype: "BYTES", data: ["hello"] },
  ],
};

function refusal(request: unknown): string {
  try {
    decodeRequest(request as Parameters<typeof decodeRequest>[0], NO_BYTES, SIGNATURE, "acme--m");
  } catch (err) {
    assert.ok(err instanceof HubError);
    assert.equal(err.status, 400);
    return err.message;
  }
  return assert.fail("accepted");
}

const replace = (index: number, input: Record<string, unknown>) => ({
  inputs: good.inputs.map((x, i) => (i === index ? { ...x, ...input } : x)),
});

describe("OIP JSON tensors against a model's signature", () => {
  it("turns integers, booleans and strings into the runtime's typed contents", () => {
    const { feeds, outputs } = decodeRequest(good, NO_BYTES, SIGNATURE, "acme--m");
    assert.deepEqual(outputs, ["score"]);
    assert.deepEqual(feeds.ids, {
      type: "int64",
      dims: [1, 3],
      data: BigInt64Array.from([1n, 2n, 3n]),
    });
    assert.deepEqual(feeds.mask, { type: "bool", dims: [1, 3], data: Uint8Array.from([1, 0, 1]) });
    assert.deepEqual(feeds.text, { type: "string", dims: [1], data: ["hello"] });
  });

  it("names the tensor of every refusal", () => {
    assert.equal(
      refusal({ inputs: good.inputs.slice(0, 2) }),
      'input "text" is missing: acme--m reads BYTES [-1]',
    );
    assert.equal(
      refusal({ inputs: [...good.inputs, good.inputs[0]] }),
      'input "ids" is given twice; give each input once',
    );
    assert.equal(
      refusal(replace(0, { data: [[1, 2, 3.5]] })),
      'input "ids": value 2 (3.5) is not an integer from -9007199254740991 to 9007199254740991, as datatype INT64 needs',
    );
    assert.equal(
      refusal(replace(1, { data: [1, 0, 1] })),
      'input "mask": value 0 (1) is not true or false, as datatype BOOL needs',
    );
    assert.equal(
      refusal(replace(2, { data: [7] })),
      'input "text": value 0 (7) is not a string, as datatype BYTES needs',
    );
    assert.equal(
      refusal(replace(0, { data: [[1, 2], 3] })),
      'input "ids": nested data is ragged: lists at depth 0 mix values and lists',
    );
    assert.equal(
      refusal(replace(0, { shape: [1, 3, 1] })),
      'input "ids" has shape [1,3,1] but the model reads [-1,3] (-1: any size)',
    );
  });

  it("refuses FP16, which has no JSON form, saying what to send instead", () => {
    const fp16: ModelSignature = {
      inputs: [{ name: "x", datatype: "FP16", shape: [1] }],
      outputs: [],
    };
    assert.throws(
      () =>
        decodeRequest(
          { inputs: [{ name: "x", shape: [1], datatype: "FP16", data: [1] }] },
          NO_BYTES,
          fp16,
          "acme--h",
        ),
      /input "x": FP16 has no JSON form; send it as binary data/,
    );
  });

  it("refuses an FP16 output asked for as JSON, and takes it as binary data", () => {
    const fp16: ModelSignature = {
      inputs: [{ name: "x", datatype: "FP32", shape: [1] }],
      outputs: [{ name: "y", datatype: "FP16", shape: [1] }],
    };
    const inputs = [{ name: "x", shape: [1], datatype: "FP32", data: [1] }];
    assert.throws(
      () => decodeRequest({ inputs }, NO_BYTES, fp16, "acme--h"),
      /output "y" is FP16, which has no JSON form; ask for it as binary data/,
    );
    const asked = decodeRequest(
      { inputs, parameters: { binary_data_output: true } },
      NO_BYTES,
      fp16,
      "acme--h",
    );
    assert.deepEqual([...asked.binaryOutputs], ["y"]);
    assert.equal(asked.usesBinary, true);
  });

  it("lets an output's binary_data win over the request's binary_data_output", () => {
    const both: ModelSignature = {
      ...SIGNATURE,
      outputs: [...SIGNATURE.outputs, { name: "raw", datatype: "FP32", shape: [-1] }],
    };
    const decoded = decodeRequest(
      {
        ...good,
        parameters: { binary_data_output: true },
        outputs: [{ name: "score", parameters: { binary_data: false } }, { name: "raw" }],
      },
      NO_BYTES,
      both,
      "acme--m",
    );
    assert.deepEqual(decoded.outputs, ["score", "raw"]);
    assert.deepEqual([...decoded.binaryOutputs], ["raw"]);
    assert.equal(
      refusal({ ...good, parameters: { binary_data_output: "yes" } }),
      'parameters.binary_data_output is "yes"; give true or false',
    );
  });

  it("writes outputs flat and row-major in the order asked for, booleans as booleans", () => {
    const out = encodeOutputs(
      {
        b: { type: "bool", dims: [2], data: Uint8Array.from([0, 1]) },
        a: { type: "int64", dims: [1, 2], data: BigInt64Array.from([5n, -6n]) },
      },
      ["a", "b"],
      new Set(),
    );
    assert.deepEqual(out.parts, []);
    assert.deepEqual(out.outputs, [
      { name: "a", datatype: "INT64", shape: [1, 2], data: [5, -6] },
      { name: "b", datatype: "BOOL", shape: [2], data: [false, true] },
    ]);
  });
});
