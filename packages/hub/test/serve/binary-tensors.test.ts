import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HubError } from "../../src/errors/index.js";
import { halfToNumber, numberToHalf } from "../../src/half-float/index.js";
import {
  cutTensors,
  joinBody,
  splitBody,
  tensorFromBytes,
  tensorToBytes,
} from "../../src/serve/binary-tensors.js";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof HubError);
    assert.equal(err.status, 400);
    return err.message;
  }
  return assert.fail("accepted");
}

/** A BYTES tensor's binary form, built by hand: a 4-byte little-endian length, then the bytes. */
function bytesElement(text: string): Buffer {
  const utf8 = Buffer.from(text, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(utf8.length);
  return Buffer.concat([length, utf8]);
}

describe("the binary tensor data extension's encoding", () => {
  it("reads fixed-size datatypes little-endian, BOOL as one byte each", () => {
    const uint32 = Buffer.alloc(16);
    [1, 2, 3, 0xffffffff].forEach((v, i) => uint32.writeUInt32LE(v, i * 4));
    assert.deepEqual(
      tensorFromBytes('input "a"', "UINT32", [2, 2], uint32),
      Uint32Array.from([1, 2, 3, 0xffffffff]),
    );
    assert.deepEqual(
      tensorFromBytes('input "b"', "BOOL", [3], Buffer.from([1, 0, 1])),
      Uint8Array.from([1, 0, 1]),
    );
    const int64 = Buffer.alloc(8);
    int64.writeBigInt64LE(-5n);
    assert.deepEqual(tensorFromBytes('input "c"', "INT64", [1], int64), BigInt64Array.from([-5n]));
  });

  it("reads BYTES elements by their length prefixes, and writes them back alike", () => {
    const raw = Buffer.concat([bytesElement("héllo"), bytesElement(""), bytesElement("x")]);
    const values = tensorFromBytes('input "t"', "BYTES", [3], raw);
    assert.deepEqual(values, ["héllo", "", "x"]);
    assert.deepEqual(Buffer.from(tensorToBytes(values)), raw);
  });

  it("copies values out of the body, so that moving them to a worker leaves the body whole", () => {
    const body = Buffer.alloc(12, 7);
    const values = tensorFromBytes('input "a"', "UINT8", [4], body.subarray(4, 8));
    assert.notEqual((values as Uint8Array).buffer, body.buffer);
    assert.equal((values as Uint8Array).byteLength, (values as Uint8Array).buffer.byteLength);
  });

  it("converts half-precision floats both ways, rounding to the nearest", () => {
    for (const [value, bits] of [
      [0, 0x0000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65_504, 0x7bff],
      [2 ** -24, 0x0001],
      [Infinity, 0x7c00],
      [1 / 3, 0x3555],
    ] as const) {
      assert.equal(numberToHalf(value), bits, `${value}`);
    }
    assert.equal(halfToNumber(0x3555), 0.333251953125);
    assert.equal(halfToNumber(0x0001), 2 ** -24);
    assert.equal(halfToNumber(0xfc00), -Infinity);
    assert.ok(Number.isNaN(halfToNumber(numberToHalf(NaN))));
    // 1 + 2^-11 lies halfway between 1 and the next half; ties go to the even one.
    assert.equal(numberToHalf(1 + 2 ** -11), 0x3c00);
    assert.equal(numberToHalf(65_519), 0x7bff);
    assert.equal(numberToHalf(65_520), 0x7c00);
  });

  it("splits a body at Inference-Header-Content-Length and joins one back", () => {
    const { body, headerLength } = joinBody({ inputs: [] }, [
      Buffer.from([1, 2]),
      Buffer.from([3]),
    ]);
    const { header, tensorBytes } = splitBody(body, String(headerLength));
    assert.deepEqual(header, { inputs: [] });
    assert.deepEqual([...tensorBytes], [1, 2, 3]);
  });

  it("refuses a bad header length, a header that is not JSON, and sizes that do not add up, naming the tensor", () => {
    const body = Buffer.from('{"inputs":[]}\u0001\u0002');
    assert.match(
      refusal(() => splitBody(body, undefined)),
      /needs the Inference-Header-Content-Length header/,
    );
    assert.equal(
      refusal(() => splitBody(body, "12.5")),
      'Inference-Header-Content-Length "12.5" is not a whole number of bytes',
    );
    assert.equal(
      refusal(() => splitBody(body, "99")),
      "Inference-Header-Content-Length is 99 bytes but the whole body holds only 15",
    );
    assert.match(
      refusal(() => splitBody(body, "5")),
      /^the first 5 bytes of the body \(Inference-Header-Content-Length\) are not JSON: /,
    );
    const two = Buffer.from([1, 2, 3, 4]);
    assert.equal(
      refusal(() => cutTensors([{ name: "a", parameters: { binary_data_size: 5 } }], two, "input")),
      'input "a": parameters.binary_data_size is 5 bytes but only 4 bytes of tensor data are left after the JSON header and the tensors before it',
    );
    assert.equal(
      refusal(() => cutTensors([{ name: "a", parameters: { binary_data_size: 3 } }], two, "input")),
      "the body holds 4 bytes of tensor data after the JSON header but the inputs' binary_data_size add up to 3; they must account for every byte",
    );
    assert.equal(
      refusal(() =>
        cutTensors([{ name: "a", data: [1], parameters: { binary_data_size: 4 } }], two, "input"),
      ),
      'input "a" has both data and parameters.binary_data_size; give its values one way',
    );
    assert.equal(
      refusal(() =>
        cutTensors([{ name: "a", parameters: { binary_data_size: -1 } }], two, "input"),
      ),
      'input "a": parameters.binary_data_size -1 is not a whole number of bytes',
    );
    const cut = cutTensors(
      [
        { name: "a", parameters: { binary_data_size: 1 } },
        { name: "j", data: [] },
        { name: "b", parameters: { binary_data_size: 3 } },
      ],
      two,
      "input",
    );
    assert.deepEqual(
      cut.map((c) => (c === undefined ? null : [...c])),
      [[1], null, [2, 3, 4]],
    );
  });

  it("refuses data of the wrong size for its shape, and BYTES whose length prefix runs past its data", () => {
    assert.equal(
      refusal(() => tensorFromBytes('input "a"', "FP32", [2, 2], Buffer.alloc(12))),
      'input "a": parameters.binary_data_size is 12 bytes but shape [2,2] of FP32 takes 16 (4 × 4)',
    );
    assert.equal(
      refusal(() => tensorFromBytes('input "m"', "BOOL", [2], Buffer.from([1, 2]))),
      'input "m": BOOL element 1 is the byte 2; true is 1 and false 0',
    );
    const long = Buffer.concat([bytesElement("ab"), Buffer.from([9, 0, 0, 0, 0x61])]);
    assert.equal(
      refusal(() => tensorFromBytes('input "t"', "BYTES", [2], long)),
      "input \"t\": element 1's length prefix says 9 bytes but only 1 are left in the tensor's binary data",
    );
    assert.equal(
      refusal(() =>
        tensorFromBytes(
          'input "t"',
          "BYTES",
          [2],
          Buffer.concat([bytesElement("ab"), Buffer.from([1, 0])]),
        ),
      ),
      'input "t": element 1 of 2 has no room for its 4-byte length: the tensor\'s binary data ends after 8 bytes',
    );
    assert.equal(
      refusal(() =>
        tensorFromBytes(
          'input "t"',
          "BYTES",
          [1],
          Buffer.concat([bytesElement("ab"), bytesElement("c")]),
        ),
      ),
      'input "t": its 1 elements end after 6 bytes but its binary_data_size is 11',
    );
    assert.equal(
      refusal(() => tensorFromBytes('input "t"', "BYTES", [1], Buffer.from([1, 0, 0, 0, 0xff]))),
      'input "t": element 0 is not UTF-8 text, which the model\'s string tensors hold',
    );
  });
});
