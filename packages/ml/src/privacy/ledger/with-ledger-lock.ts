import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BudgetLedgerError } from "./budget-ledger-error.js";

/** Options of {@link withLedgerLock}. */
export interface LedgerLockOptions {
  /** How long to wait for another process to release the lock; default 10 000 ms. */
  readonly timeoutMs?: number;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly nonce: string;
  readonly since: string;
}

const errorCode = (error: unknown): unknown =>
  error instanceof Error && "code" in error ? error.code : undefined;

async function readOwner(lockFile: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(lockFile, "utf8")) as LockOwner;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? owner : undefined;
  } catch {
    return undefined;
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === "ESRCH";
  }
}

/**
 * Removes a lock left by a process of this host that no longer runs. The lock is first
 * renamed to a private name, so that of two processes breaking it at once only one gets
 * it; if what was taken turns out to be a newer lock, it is put back.
 */
async function breakStaleLock(lockFile: string, stale: LockOwner): Promise<void> {
  const taken = `${lockFile}.stale-${randomBytes(6).toString("hex")}`;
  try {
    await rename(lockFile, taken);
  } catch (error) {
    if (errorCode(error) === "ENOENT") {
      return;
    }
    throw error;
  }
  const owner = await readOwner(taken);
  if (owner !== undefined && owner.nonce !== stale.nonce) {
    await link(taken, lockFile).catch(() => undefined);
  }
  await rm(taken, { force: true });
}

/**
 * Runs `action` while holding the ledger's lock file `FILE.lock`, so that two processes
 * never read and rewrite the ledger at the same time.
 *
 * The lock file is created complete and atomically (written under a private name, then
 * hard-linked to `FILE.lock`, which fails if it exists) and holds the owner's pid, host
 * name and start time. A lock whose owner ran on this host and has exited (a crash) is
 * stale and is removed automatically. A lock held by a live process, or by a process on
 * another host sharing the file system, is never broken: after `timeoutMs` the call fails
 * with code `LOCKED`, naming the owner, and the lock file can be deleted by hand once that
 * process is known to be gone.
 */
export async function withLedgerLock<T>(
  file: string,
  action: () => Promise<T>,
  options: LedgerLockOptions = {},
): Promise<T> {
  const lockFile = `${file}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const me: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    nonce: randomBytes(12).toString("hex"),
    since: new Date().toISOString(),
  };
  const draft = `${lockFile}.${me.nonce}`;
  await writeFile(draft, JSON.stringify(me), { flag: "wx" });
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  try {
    for (;;) {
      try {
        await link(draft, lockFile);
        break;
      } catch (error) {
        if (errorCode(error) !== "EEXIST") {
          throw error;
        }
      }
      const owner = await readOwner(lockFile);
      if (owner !== undefined && owner.host === me.host && processGone(owner.pid)) {
        await breakStaleLock(lockFile, owner);
        continue;
      }
      if (Date.now() >= deadline) {
        const who =
          owner === undefined
            ? "another process"
            : `process ${owner.pid} on host ${owner.host} since ${owner.since}`;
        throw new BudgetLedgerError(
          `privacy ledger ${file} is locked by ${who}; waited ${timeoutMs} ms. If that process is no longer running, delete ${lockFile}`,
          "LOCKED",
        );
      }
      await sleep(wait + Math.random() * wait);
      wait = Math.min(wait * 2, 50);
    }
  } finally {
    await rm(draft, { force: true });
  }
  try {
    return await action();
  } finally {
    const owner = await readOwner(lockFile);
    if (owner?.nonce === me.nonce) {
      await rm(lockFile, { force: true });
    }
  }
}
