import { timeCommand } from "./child.mjs";

/** Flushes dirty pages so that one measurement does not pay for the previous one's writes. */
export async function settleDisk() {
  await timeCommand("sync", [], { timeoutMs: 120_000 });
}
