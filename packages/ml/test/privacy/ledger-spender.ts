// Child process of ledger-concurrency.test.ts: waits for a start file, then tries to spend
// ε = EPSILON from the ledger COUNT times and prints how many spends succeeded and the
// messages of those refused.
import { access } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { BudgetLedgerError, spendPrivacyBudget } from "../../src/privacy/ledger/index.js";

const [ledger = "", fingerprint = "", count = "0", epsilon = "0", startFile = ""] =
  process.argv.slice(2);
process.stdout.write("ready\n");
for (;;) {
  try {
    await access(startFile);
    break;
  } catch {
    await sleep(2);
  }
}
let spent = 0;
const refused: string[] = [];
for (let i = 0; i < Number(count); i++) {
  try {
    await spendPrivacyBudget(
      ledger,
      { fingerprint, name: "race" },
      { epsilon: Number(epsilon), delta: 0, what: `release ${process.pid}-${i}` },
    );
    spent++;
  } catch (error) {
    if (!(error instanceof BudgetLedgerError) || error.code !== "OVER_BUDGET") {
      throw error;
    }
    refused.push(error.message);
  }
}
process.stdout.write(`${JSON.stringify({ spent, refused })}\n`);
