import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  binaryTensorShingles,
  callInputs,
  inputSignature,
  MAX_SHINGLED_ELEMENTS,
  tensorShingles,
} from "../../src/limits/index.js";
import { halfToNumber } from "../../src/half-float/index.js";
import { strings } from "../serve/binary-models.js";

/** Each element written with Buffer's own little-endian writer, apart from how the hub reads them. */
function encode(size: number, write: (b: Buffer, v: never, at: number) => void) {
  return (values: readonly unknown[]): Buffer => {
    const out = Buffer.alloc(values.length * size);
    values.forEach((v, i) => {
      write(out, v as never, i * size);
    });
    return out;
  };
}

/** One case per datatype: the values as JSON carries them and the same tensor's binary form. */
const CASES: readonly { datatype: string; json: unknown[]; binary: Buffer }[] = [
  {
    datatype: "BOOL",
    json: [true, false, false, true],
    binary: Buffer.from([1, 0, 0, 1]),
  },
  {
    datatype: "UINT8",
    json: [0, 7, 200, 255],
    binary: Buffer.from([0, 7, 200, 255]),
  },
  {
    datatype: "INT8",
    json: [-128, -1, 0, 127],
    binary: encode(1, (b, v: number, at) => b.writeInt8(v, at))([-128, -1, 0, 127]),
  },
  {
    datatype: "UINT16",
    json: [1, 300, 65535],
    binary: encode(2, (b, v: number, at) => b.writeUInt16LE(v, at))([1, 300, 65535]),
  },
  {
    datatype: "INT16",
    json: [-32768, -300, 32767],
    binary: encode(2, (b, v: number, at) => b.writeInt16LE(v, at))([-32768, -300, 32767]),
  },
  {
    datatype: "UINT32",
    json: [1, 70_000, 4_294_967_295],
    binary: encode(4, (b, v: number, at) => b.writeUInt32LE(v, at))([1, 70_000, 4_294_967_295]),
  },
  {
    datatype: "INT32",
    json: [-2_147_483_648, -5, 2_147_483_647],
    binary: encode(4, (b, v: number, at) => b.writeInt32LE(v, at))([
      -2_147_483_648, -5, 2_147_483_647,
    ]),
  },
  {
    datatype: "UINT64",
    // As a JSON body carries them: 2^64 - 1 parses to 2^64, as the bytes read as a number do.
    json: JSON.parse("[0, 42, 18446744073709551615]") as number[],
    binary: encode(8, (b, v: bigint, at) => b.writeBigUInt64LE(v, at))([0n, 42n, 2n ** 64n - 1n]),
  },
  {
    datatype: "INT64",
    json: JSON.parse(
      "[-9223372036854775808, -1, 9007199254740993, 9223372036854775807]",
    ) as number[],
    binary: encode(8, (b, v: bigint, at) => b.writeBigInt64LE(v, at))([
      -(2n ** 63n),
      -1n,
      2n ** 53n + 1n,
      2n ** 63n - 1n,
    ]),
  },
  {
    datatype: "FP16",
    // Each value is exactly its half: 1, -2, 65504, 0.5, 2^-24, 0.333251953125, 2^-14.
    json: [1, -2, 65504, 0.5, 2 ** -24, 0.333251953125, 6.103515625e-5],
    binary: encode(2, (b, v: number, at) => b.writeUInt16LE(v, at))([
      0x3c00, 0xc000, 0x7bff, 0x3800, 0x0001, 0x3555, 0x0400,
    ]),
  },
  {
    datatype: "FP32",
    json: [5.1, 3.5, -1.4, 0.2, 1e-30],
    binary: encode(4, (b, v: number, at) => b.writeFloatLE(v, at))([5.1, 3.5, -1.4, 0.2, 1e-30]),
  },
  {
    datatype: "FP64",
    json: [Math.PI, -1e300, 5e-324],
    binary: encode(8, (b, v: number, at) => b.writeDoubleLE(v, at))([Math.PI, -1e300, 5e-324]),
  },
  {
    datatype: "BYTES",
    json: ["Call me Ishmael.", "", "naïve café", "\uFEFFwith a byte-order mark", "🐋"],
    binary: strings(["Call me Ishmael.", "", "naïve café", "\uFEFFwith a byte-order mark", "🐋"]),
  },
];

const binaryInput = (datatype: string, bytes: Buffer, shape = [1]) => ({
  name: "x",
  datatype,
  shape,
  parameters: { binary_data_size: bytes.length },
});

describe("signatures of binary tensors", () => {
  it("decodes IEEE half-precision bits to the numbers they stand for", () => {
    // Reference values from the IEEE 754 binary16 tables, not from the hub's encoder.
    const cases: [number, number][] = [
      [0x3c00, 1],
      [0xc000, -2],
      [0x7bff, 65504],
      [0x0001, 5.960464477539063e-8],
      [0x03ff, 6.097555160522461e-5],
      [0x0400, 6.103515625e-5],
      [0x3555, 0.333251953125],
      [0x3bff, 0.99951171875],
      [0x3c01, 1.0009765625],
      [0x7c00, Infinity],
      [0xfc00, -Infinity],
      [0x0000, 0],
    ];
    for (const [bits, value] of cases) {
      assert.equal(halfToNumber(bits), value, `0x${bits.toString(16)}`);
    }
    assert.ok(Object.is(halfToNumber(0x8000), -0));
    assert.ok(Number.isNaN(halfToNumber(0x7e00)));
    assert.ok(Number.isNaN(halfToNumber(0xfc01)));
  });

  it("gives a tensor sent as binary the shingles and signature of the same values as JSON, for every datatype", () => {
    for (const { datatype, json, binary } of CASES) {
      assert.deepEqual(
        binaryTensorShingles(0, datatype, binary),
        tensorShingles(0, json),
        `${datatype} shingles`,
      );
      const asJson = inputSignature([{ name: "x", datatype, shape: [json.length], data: json }]);
      const asBinary = inputSignature([binaryInput(datatype, binary, [json.length])], binary);
      assert.ok(asJson !== null && asBinary !== null, datatype);
      assert.deepEqual(asBinary, asJson, `${datatype} signature`);
    }
  });

  it("signs JSON and binary inputs of one request by their order, whichever way each came", () => {
    const fp32 = CASES.find((c) => c.datatype === "FP32");
    const bytes = CASES.find((c) => c.datatype === "BYTES");
    const int64 = CASES.find((c) => c.datatype === "INT64");
    assert.ok(fp32 !== undefined && bytes !== undefined && int64 !== undefined);
    const allJson = [fp32, bytes, int64].map((c) => ({
      name: c.datatype,
      datatype: c.datatype,
      shape: [c.json.length],
      data: c.json,
    }));
    // The middle input as JSON, the other two as bytes after the header, in their order.
    const mixed = [
      binaryInput("FP32", fp32.binary),
      allJson[1],
      binaryInput("INT64", int64.binary),
    ];
    const tail = Buffer.concat([fp32.binary, int64.binary]);
    assert.deepEqual(inputSignature(mixed, tail), inputSignature(allJson));
    // Through the usage record's reading of an inference body, hash apart.
    const record = callInputs("infer", { inputs: mixed }, tail);
    assert.deepEqual(record.signature, inputSignature(allJson));
    assert.equal(record.rows, 1);
    assert.match(record.inputHash ?? "", /^[0-9a-f]{64}$/);
  });

  it("reads at most MAX_SHINGLED_ELEMENTS elements of a large binary tensor, at the stride JSON is read", () => {
    const values = Array.from({ length: 100_003 }, (_, i) => Math.sin(i) * 100);
    const binary = encode(4, (b, v: number, at) => b.writeFloatLE(v, at))(values);
    const shingles = binaryTensorShingles(2, "FP32", binary);
    assert.ok(shingles.length <= MAX_SHINGLED_ELEMENTS, `${shingles.length} shingles`);
    assert.deepEqual(shingles, tensorShingles(2, values));
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i}`);
    const text = binaryTensorShingles(0, "BYTES", strings(words));
    assert.ok(text.length <= MAX_SHINGLED_ELEMENTS);
    assert.deepEqual(text, tensorShingles(0, words));
  });

  it("reads what it can of short or bad bytes and never throws", () => {
    const floats = encode(4, (b, v: number, at) => b.writeFloatLE(v, at))([1, 2, 3, 4]);
    // Fifteen bytes of FP32: three whole elements.
    assert.deepEqual(
      binaryTensorShingles(0, "FP32", floats.subarray(0, 15)),
      tensorShingles(0, [1, 2, 3]),
    );
    assert.deepEqual(binaryTensorShingles(0, "INT64", Buffer.alloc(7)), []);
    assert.deepEqual(
      binaryTensorShingles(0, "FP16", Buffer.from([0x00, 0x3c, 0x00])),
      tensorShingles(0, [1]),
    );
    // BYTES: the elements before a length prefix that runs past the data, or a part of a prefix.
    const two = strings(["one", "two"]);
    const runsPast = Buffer.concat([two, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x61])]);
    assert.deepEqual(binaryTensorShingles(0, "BYTES", runsPast), tensorShingles(0, ["one", "two"]));
    assert.deepEqual(
      binaryTensorShingles(0, "BYTES", Buffer.concat([two, Buffer.from([3, 0])])),
      tensorShingles(0, ["one", "two"]),
    );
    // Bytes that are not UTF-8 still make a shingle; names that are no datatype make none.
    assert.equal(binaryTensorShingles(0, "BYTES", strings(["x"]).fill(0xc3, 4)).length, 1);
    for (const datatype of ["FP8", "constructor", "__proto__", "toString", 7, null, undefined]) {
      assert.deepEqual(binaryTensorShingles(0, datatype, floats), [], String(datatype));
    }

    const input = (size: unknown) => ({
      name: "x",
      datatype: "FP32",
      shape: [4],
      parameters: { binary_data_size: size },
    });
    // A size past the bytes reads what is there; without any bytes there is nothing to sign.
    assert.deepEqual(
      inputSignature([input(64)], floats),
      inputSignature([{ name: "x", data: [1, 2, 3, 4] }]),
    );
    assert.equal(inputSignature([input(16)], null), null);
    for (const size of [-4, 1.5, "16", null, 2 ** 60, Number.NaN]) {
      // Where a bad size's input ends is unknown: it and the binary inputs after it go unsigned.
      assert.equal(inputSignature([input(size), input(16)], floats), null, String(size));
    }
    for (const body of [null, undefined, "text", 7, { inputs: "no" }, { inputs: [null, 3, "x"] }]) {
      assert.deepEqual(callInputs("infer", body, floats).signature, null);
    }
  });
});
