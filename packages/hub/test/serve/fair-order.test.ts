import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FairOrder, insertByTag } from "../../src/serve/fair-order.js";

interface Call {
  readonly name: string;
  readonly tag: number;
}

/** A call's arrival: its flow, the flow's weight, and a name to follow it by. */
type Arrival = readonly [flow: string, weight: number, name: string];

/** Queues calls as they arrive and serves them in order, as the worker pool does with one worker. */
function serve(order: FairOrder, arrivals: readonly Arrival[]) {
  const waiting: Call[] = [];
  for (const [flow, weight, name] of arrivals) {
    insertByTag(waiting, { name, tag: order.tag(flow, weight) });
  }
  const served: string[] = [];
  for (let next = waiting.shift(); next !== undefined; next = waiting.shift()) {
    order.started(next.tag);
    served.push(next.name);
  }
  return served;
}

describe("the fair order of waiting calls (start-time fair queuing)", () => {
  it("serves a light flow's call second, however many calls a flood queued before it", () => {
    const flood = Array.from({ length: 50 }, (_, i): Arrival => ["heavy", 1, `h${i}`]);
    const served = serve(new FairOrder(), [...flood, ["light", 1, "l0"], ["light", 1, "l1"]]);
    assert.deepEqual(served.slice(0, 6), ["h0", "l0", "h1", "l1", "h2", "h3"]);
    assert.equal(served.length, 52);
  });

  it("gives each waiting flow runs in proportion to its weight", () => {
    const arrivals: Arrival[] = [];
    for (let i = 0; i < 6; i += 1) {
      arrivals.push(["gold", 2, `g${i}`], ["free", 1, `f${i}`]);
    }
    // By hand: gold's calls start at 0, 0.5, 1, 1.5, 2, 2.5; free's at 0, 1, 2, 3, 4, 5; equal
    // starts go in arrival order (f1 came before g2, f2 before g4).
    assert.deepEqual(serve(new FairOrder(), arrivals), [
      "g0",
      "f0",
      "g1",
      "f1",
      "g2",
      "g3",
      "f2",
      "g4",
      "g5",
      "f3",
      "f4",
      "f5",
    ]);
  });

  it("lets a flow that was idle start at the current virtual time, with no credit saved up", () => {
    const order = new FairOrder();
    serve(
      order,
      Array.from({ length: 10 }, (_, i) => ["a", 1, `a${i}`] as const),
    );
    // b was idle while a ran ten calls (the last started at 9, a's next at 10); b starts at the
    // virtual time 9, not at 0, so it may not now run ten calls in a row ahead of a.
    const served = serve(order, [
      ["a", 1, "a10"],
      ["a", 1, "a11"],
      ["b", 1, "b0"],
      ["b", 1, "b1"],
      ["b", 1, "b2"],
    ]);
    assert.deepEqual(served, ["b0", "a10", "b1", "a11", "b2"]);
  });

  it("keeps equal tags in arrival order", () => {
    const list: Call[] = [];
    for (const name of ["x", "y", "z"]) {
      insertByTag(list, { name, tag: 1 });
    }
    insertByTag(list, { name: "early", tag: 0 });
    insertByTag(list, { name: "late", tag: 2 });
    assert.deepEqual(
      list.map((c) => c.name),
      ["early", "x", "y", "z", "late"],
    );
  });
});
