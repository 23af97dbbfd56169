interface Entry<T> {
  readonly item: T;
  readonly cost: number;
}

interface Flow<T> {
  readonly key: string;
  weight: number;
  readonly entries: Entry<T>[];
  deficit: number;
  /** Whether this visit of the round robin has given the flow its quantum yet. */
  credited: boolean;
}

/**
 * A bounded queue shared fairly between flows (callers' organisations) by
 * deficit round robin (Shreedhar and Varghese, 1995): the flows that have
 * waiting items take turns, each turn adding `quantum × weight` to the flow's
 * deficit and taking items while their cost fits it. A flow that floods the
 * queue gets its share and no more, so a light flow's wait stays bounded by
 * one round whatever the heavy one sends; weights (from tiers) scale shares.
 * Each operation is O(1) but `remove`, which cancelled callers use.
 */
export class FairQueue<T> {
  private readonly flows = new Map<string, Flow<T>>();
  /** Flows with waiting items, in round-robin order. */
  private readonly active: Flow<T>[] = [];
  private cursor = 0;
  private count = 0;

  constructor(
    private readonly quantum: number,
    private readonly limit: number,
  ) {}

  /** Items waiting, in every flow. */
  get size(): number {
    return this.count;
  }

  /** Queues `item` in `flow`; false, queueing nothing, when the queue holds `limit` items. */
  push(flowKey: string, weight: number, item: T, cost = 1): boolean {
    if (this.count >= this.limit) {
      return false;
    }
    let flow = this.flows.get(flowKey);
    if (flow === undefined) {
      flow = { key: flowKey, weight, entries: [], deficit: 0, credited: false };
      this.flows.set(flowKey, flow);
    }
    flow.weight = weight;
    if (flow.entries.length === 0) {
      this.active.push(flow);
    }
    flow.entries.push({ item, cost });
    this.count += 1;
    return true;
  }

  /** The next item by deficit round robin, or undefined when none waits. */
  shift(): T | undefined {
    while (this.active.length > 0) {
      const flow = this.active[this.cursor] as Flow<T>;
      if (!flow.credited) {
        flow.deficit += this.quantum * flow.weight;
        flow.credited = true;
      }
      const head = flow.entries[0] as Entry<T>;
      if (head.cost <= flow.deficit) {
        flow.entries.shift();
        flow.deficit -= head.cost;
        this.count -= 1;
        if (flow.entries.length === 0) {
          this.retire(flow);
        }
        return head.item;
      }
      flow.credited = false;
      this.cursor = (this.cursor + 1) % this.active.length;
    }
    return undefined;
  }

  /** Takes `item` out of the queue (a caller who gave up); false when it was not waiting. */
  remove(item: T): boolean {
    for (const flow of this.active) {
      const at = flow.entries.findIndex((e) => e.item === item);
      if (at >= 0) {
        flow.entries.splice(at, 1);
        this.count -= 1;
        if (flow.entries.length === 0) {
          this.retire(flow);
        }
        return true;
      }
    }
    return false;
  }

  /** Empties the queue, answering every waiting item in flow order. */
  drain(): T[] {
    const all = this.active.flatMap((f) => f.entries.map((e) => e.item));
    for (const flow of this.active) {
      flow.entries.length = 0;
    }
    this.active.length = 0;
    this.flows.clear();
    this.cursor = 0;
    this.count = 0;
    return all;
  }

  /** A flow with nothing waiting leaves the round and keeps no credit, as DRR requires. */
  private retire(flow: Flow<T>): void {
    const at = this.active.indexOf(flow);
    this.active.splice(at, 1);
    if (at < this.cursor) {
      this.cursor -= 1;
    }
    if (this.cursor >= this.active.length) {
      this.cursor = 0;
    }
    flow.deficit = 0;
    flow.credited = false;
    this.flows.delete(flow.key);
  }
}
