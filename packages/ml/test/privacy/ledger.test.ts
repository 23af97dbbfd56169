import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { loadIris } from "../../src/data/index.js";
import {
  BudgetLedgerError,
  ledgerDataset,
  ledgerDatasetOfFile,
  privacyBudgetStatus,
  setPrivacyBudget,
  spendPrivacyBudget,
  withLedgerLock,
} from "../../src/privacy/ledger/index.js";

const iris = ledgerDataset(loadIris(), "iris");

function isLedgerError(code: BudgetLedgerError["code"], message?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof BudgetLedgerError, String(error));
    assert.equal(error.code, code, error.message);
    if (message !== undefined) {
      assert.match(error.message, message);
    }
    return true;
  };
}

describe("privacy budget ledger", () => {
  let dir: string;
  let n = 0;
  const ledgerFile = (): string => path.join(dir, `ledger-${++n}.json`);
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "gatehouse-ledger-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses an over-budget release and names the budget left", async () => {
    const file = ledgerFile();
    await setPrivacyBudget(file, iris, { epsilon: 8, delta: 1e-5 });
    await spendPrivacyBudget(file, iris, { epsilon: 4, delta: 5e-6, what: "DP-SGD MLP v1" });
    await spendPrivacyBudget(file, iris, { epsilon: 3.2, delta: 0, what: "DP histogram" });
    await assert.rejects(
      spendPrivacyBudget(file, iris, { epsilon: 3, delta: 1e-6, what: "DP-SGD MLP v2" }),
      isLedgerError(
        "OVER_BUDGET",
        /^dataset iris has ε = 0\.8 left of 8 \(δ 0\.000005 left of 0\.00001\); this release needs ε = 3, δ = 0\.000001$/,
      ),
    );
    const status = await privacyBudgetStatus(file, iris);
    assert.ok(status !== null);
    assert.deepEqual(
      status.releases.map((r) => r.what),
      ["DP-SGD MLP v1", "DP histogram"],
    );
    assert.ok(Math.abs(status.spent.epsilon - 7.2) < 1e-12);
    assert.ok(Math.abs(status.remaining.epsilon - 0.8) < 1e-12);
    assert.ok(Math.abs(status.remaining.delta - 5e-6) < 1e-18);
  });

  it("refuses a release whose δ alone exceeds what is left", async () => {
    const file = ledgerFile();
    await setPrivacyBudget(file, iris, { epsilon: 8, delta: 1e-5 });
    await assert.rejects(
      spendPrivacyBudget(file, iris, { epsilon: 1, delta: 2e-5, what: "too much δ" }),
      isLedgerError(
        "OVER_BUDGET",
        /δ 0\.00001 left of 0\.00001\); this release needs ε = 1, δ = 0\.00002/,
      ),
    );
  });

  it("spends the budget exactly to the end despite decimal rounding (0.1 ten times of 1)", async () => {
    const file = ledgerFile();
    await setPrivacyBudget(file, iris, { epsilon: 1, delta: 0 });
    for (let i = 0; i < 10; i++) {
      await spendPrivacyBudget(file, iris, { epsilon: 0.1, delta: 0, what: `query ${i}` });
    }
    await assert.rejects(
      spendPrivacyBudget(file, iris, { epsilon: 0.1, delta: 0, what: "one too many" }),
      isLedgerError("OVER_BUDGET", /has ε = 0 left of 1/),
    );
  });

  it("refuses to spend from a dataset without a budget, and keeps other datasets apart", async () => {
    const file = ledgerFile();
    const csv = path.join(dir, "people.csv");
    await writeFile(csv, "age,income\n31,52000\n");
    const people = await ledgerDatasetOfFile(csv);
    await setPrivacyBudget(file, iris, { epsilon: 1, delta: 0 });
    await assert.rejects(
      spendPrivacyBudget(file, people, { epsilon: 0.5, delta: 0, what: "mean income" }),
      isLedgerError("NO_BUDGET", /no privacy budget is set for dataset people\.csv/),
    );
    assert.equal(await privacyBudgetStatus(file, people), null);
  });

  it("records every budget set and refuses one below what was spent", async () => {
    const file = ledgerFile();
    await setPrivacyBudget(file, iris, { epsilon: 4, delta: 1e-5 });
    await spendPrivacyBudget(file, iris, { epsilon: 3, delta: 1e-6, what: "model" });
    await assert.rejects(
      setPrivacyBudget(file, iris, { epsilon: 2, delta: 1e-5 }),
      isLedgerError("OVER_BUDGET", /already spent ε = 3/),
    );
    await setPrivacyBudget(file, iris, { epsilon: 6, delta: 1e-5 });
    const json = JSON.parse(await readFile(file, "utf8")) as {
      datasets: Record<string, { budgetHistory: { epsilon: number }[] }>;
    };
    assert.deepEqual(
      json.datasets[iris.fingerprint]?.budgetHistory.map((b) => b.epsilon),
      [4, 6],
    );
  });

  it("rejects ε <= 0 and δ outside [0, 1)", async () => {
    const file = ledgerFile();
    await assert.rejects(
      setPrivacyBudget(file, iris, { epsilon: 0, delta: 0 }),
      isLedgerError("INVALID", /ε is 0/),
    );
    await assert.rejects(
      setPrivacyBudget(file, iris, { epsilon: 1, delta: 1 }),
      isLedgerError("INVALID", /δ is 1/),
    );
    await setPrivacyBudget(file, iris, { epsilon: 1, delta: 0 });
    await assert.rejects(
      spendPrivacyBudget(file, iris, { epsilon: -1, delta: 0, what: "x" }),
      isLedgerError("INVALID", /ε is -1/),
    );
  });

  it("reports a corrupted ledger and never overwrites it", async () => {
    const file = ledgerFile();
    await setPrivacyBudget(file, iris, { epsilon: 8, delta: 1e-5 });
    const good = await readFile(file, "utf8");
    const truncated = good.slice(0, good.length / 2);
    await writeFile(file, truncated);
    await assert.rejects(
      spendPrivacyBudget(file, iris, { epsilon: 1, delta: 0, what: "x" }),
      isLedgerError(
        "CORRUPTED",
        /privacy ledger .* is corrupted: it is not valid JSON .*restore it from a backup/,
      ),
    );
    await assert.rejects(
      setPrivacyBudget(file, iris, { epsilon: 8, delta: 1e-5 }),
      isLedgerError("CORRUPTED"),
    );
    assert.equal(await readFile(file, "utf8"), truncated);

    const wrongField = good.replace('"epsilon": 8', '"epsilon": "8"');
    await writeFile(file, wrongField);
    await assert.rejects(
      privacyBudgetStatus(file, iris),
      isLedgerError(
        "CORRUPTED",
        new RegExp(`datasets\\["${iris.fingerprint}"\\]\\.budget\\.epsilon is "8"`),
      ),
    );
    assert.equal(await readFile(file, "utf8"), wrongField);
  });

  it("removes a lock left by a process that has exited", async () => {
    const file = ledgerFile();
    await setPrivacyBudget(file, iris, { epsilon: 8, delta: 1e-5 });
    const dead = spawn(process.execPath, ["-e", ""]);
    const pid = await new Promise<number>((resolve) => {
      dead.on("exit", () => {
        resolve(dead.pid ?? 0);
      });
    });
    await writeFile(
      `${file}.lock`,
      JSON.stringify({
        pid,
        host: os.hostname(),
        nonce: "left-behind",
        since: "2026-01-01T00:00:00Z",
      }),
    );
    await spendPrivacyBudget(file, iris, { epsilon: 1, delta: 0, what: "after a crash" });
    await assert.rejects(stat(`${file}.lock`), { code: "ENOENT" });
  });

  it("waits for a live lock holder and then fails naming the lock file", async () => {
    const file = ledgerFile();
    await withLedgerLock(file, async () => {
      await assert.rejects(
        spendPrivacyBudget(file, iris, { epsilon: 1, delta: 0, what: "x" }, { timeoutMs: 50 }),
        isLedgerError(
          "LOCKED",
          new RegExp(`locked by process ${process.pid} on host .*delete .*\\.lock`),
        ),
      );
    });
    await assert.rejects(stat(`${file}.lock`), { code: "ENOENT" });
  });

  it("lets only the releases that fit succeed when two processes spend at once", async () => {
    const file = ledgerFile();
    const race = { fingerprint: "f".repeat(64), name: "race" };
    await setPrivacyBudget(file, race, { epsilon: 8, delta: 0 });
    const startFile = path.join(dir, "start");
    const spender = path.join(import.meta.dirname, "ledger-spender.ts");
    const children = [0, 1].map(() => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", spender, file, race.fingerprint, "10", "1", startFile],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      const ready = new Promise<void>((resolve) => {
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          if (out.startsWith("ready\n")) {
            resolve();
          }
        });
      });
      const done = new Promise<{ spent: number; refused: string[] }>((resolve, reject) => {
        child.on("close", (code) => {
          if (code !== 0) {
            reject(new Error(`spender exited with ${code}`));
            return;
          }
          resolve(JSON.parse(out.slice("ready\n".length)) as { spent: number; refused: string[] });
        });
      });
      return { ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    await writeFile(startFile, "");
    const results = await Promise.all(children.map((c) => c.done));
    assert.equal(
      results.reduce((a, r) => a + r.spent, 0),
      8,
    );
    const refused = results.flatMap((r) => r.refused);
    assert.equal(refused.length, 12);
    for (const message of refused) {
      assert.match(message, /^dataset race has ε = 0 left of 8/);
    }
    const status = await privacyBudgetStatus(file, race);
    assert.equal(status?.releases.length, 8);
    assert.equal(status.spent.epsilon, 8);
  });
});
