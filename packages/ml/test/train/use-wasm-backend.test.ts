import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useWasmBackend } from "../../src/train/index.js";

describe("useWasmBackend", () => {
  it("selects the wasm backend once, however often it is called", async () => {
    const first = useWasmBackend();
    assert.equal(useWasmBackend(), first);
    await first;
    assert.equal(tf.getBackend(), "wasm");
    await useWasmBackend();
    assert.equal(tf.getBackend(), "wasm");
  });

  it("keeps tfjs's Node.js banner off the console", async () => {
    await useWasmBackend();
    const printed: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
    };
    try {
      // The banner comes from the CPU backend the first time it stores a tensor.
      await tf.setBackend("cpu");
      tf.tensor([1, 2, 3]).dispose();
    } finally {
      console.warn = warn;
      await tf.setBackend("wasm");
    }
    assert.deepEqual(printed, []);
  });

  it("trains text models although tfjs's wasm backend lacks the embedding gradient kernel", async () => {
    await useWasmBackend();
    // gather's gradient is an unsorted segment sum: rows 0 and 2 both read row 1.
    const table = tf.variable(
      tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    );
    const grad = tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor1d([1, 0, 1], "int32")).sum())(
      table,
    );
    assert.deepEqual(await grad.array(), [
      [1, 1],
      [2, 2],
      [0, 0],
    ]);
    tf.dispose([table, grad]);
  });
});
