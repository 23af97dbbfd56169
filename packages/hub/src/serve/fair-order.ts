/**
 * The order in which waiting calls of one model are served when it is
 * saturated: start-time fair queuing (Goyal, Vin and Cheng, SIGCOMM 1996), a
 * weighted fair queue. Each call gets a start tag, the later of the queue's
 * virtual time and the finish tag of its flow's previous call; a call of cost
 * c in a flow of weight w finishes c / w after its start. Serving calls in
 * order of start tags gives each waiting flow a share of runs proportional
 * to its weight, so a flow that floods the queue gets its share and no more,
 * and a call of a flow that waits behind it starts within one round of the
 * flows present, whatever the flood's length. Unlike deficit round robin it
 * keeps one ordered list, which the batcher can scan for batch mates.
 */
export class FairOrder {
  private virtualTime = 0;
  /** The finish tag of each flow's latest call, while it may still delay that flow. */
  private readonly finish = new Map<string, number>();

  /** The start tag of a call of `flow` arriving now; the flow's next call starts after it finishes. */
  tag(flow: string, weight: number, cost = 1): number {
    const start = Math.max(this.virtualTime, this.finish.get(flow) ?? 0);
    this.finish.set(flow, start + cost / weight);
    return start;
  }

  /** A call tagged `tag` begins its run: virtual time moves to its start. */
  started(tag: number): void {
    if (tag <= this.virtualTime) {
      return;
    }
    this.virtualTime = tag;
    // A flow whose last call finished by now starts afresh at the virtual time,
    // as an absent one does: forgetting it changes no tag and bounds the map.
    if (this.finish.size > FLOWS_KEPT) {
      for (const [flow, finish] of this.finish) {
        if (finish <= this.virtualTime) {
          this.finish.delete(flow);
        }
      }
    }
  }
}

/** Flows remembered before the ones that no longer matter are swept out. */
const FLOWS_KEPT = 256;

/** Inserts `item` after every item whose tag is not later than its own, keeping arrival order among equals. */
export function insertByTag<T extends { readonly tag: number }>(list: T[], item: T): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid] as T).tag <= item.tag) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  list.splice(low, 0, item);
}
