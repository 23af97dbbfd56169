import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { oipModelName, parseOipModelName } from "../../src/names/index.js";

describe("the Open Inference Protocol's name for a hub model", () => {
  it("joins namespace and name with -- and splits them back at the first --", () => {
    assert.equal(oipModelName("acme", "iris-mlp"), "acme--iris-mlp");
    assert.deepEqual(parseOipModelName("acme--iris-mlp"), { namespace: "acme", name: "iris-mlp" });
    assert.deepEqual(parseOipModelName("a.b_c--d-e.f"), { namespace: "a.b_c", name: "d-e.f" });
  });

  it("names nothing without a namespace and a name on both sides", () => {
    for (const segment of ["iris", "--iris", "acme--", "acme-iris"]) {
      assert.equal(parseOipModelName(segment), null, segment);
    }
  });
});
