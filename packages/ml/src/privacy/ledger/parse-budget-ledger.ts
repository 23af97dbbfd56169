import { BudgetLedgerError } from "./budget-ledger-error.js";
import type {
  BudgetLedger,
  BudgetRelease,
  DatasetLedgerEntry,
  PrivacyBudget,
} from "./budget-ledger-types.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed ledger field by field. Anything unexpected is an error naming the
 * field: a ledger is never repaired or reset, because forgetting a release would let the
 * same budget be spent twice.
 */
export function parseBudgetLedger(json: unknown, file: string): BudgetLedger {
  const corrupt = (where: string, what: string): BudgetLedgerError =>
    new BudgetLedgerError(
      `privacy ledger ${file} is corrupted: ${where} ${what}. The file was left as it is; restore it from a backup (deleting it would forget every recorded release)`,
      "CORRUPTED",
    );
  const text = (obj: Json, key: string, where: string): string => {
    const v = obj[key];
    if (typeof v !== "string" || v === "") {
      throw corrupt(`${where}.${key}`, `is ${JSON.stringify(v)}, expected a non-empty string`);
    }
    return v;
  };
  const number = (obj: Json, key: string, where: string, ok: (n: number) => boolean): number => {
    const v = obj[key];
    if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) {
      throw corrupt(`${where}.${key}`, `is ${JSON.stringify(v)}, which is not a valid value`);
    }
    return v;
  };
  const budget = (obj: unknown, where: string): PrivacyBudget => {
    if (!isObject(obj)) {
      throw corrupt(where, "is not an object");
    }
    return {
      epsilon: number(obj, "epsilon", where, (n) => n > 0),
      delta: number(obj, "delta", where, (n) => n >= 0 && n < 1),
    };
  };
  const list = (obj: Json, key: string, where: string): unknown[] => {
    const v = obj[key];
    if (!Array.isArray(v)) {
      throw corrupt(`${where}.${key}`, "is not a list");
    }
    return v;
  };

  if (!isObject(json)) {
    throw corrupt("the top level", "is not an object");
  }
  if (json.format !== "gatehouse-privacy-ledger") {
    throw corrupt(
      "format",
      `is ${JSON.stringify(json.format)}, expected "gatehouse-privacy-ledger"`,
    );
  }
  if (json.version !== 1) {
    throw corrupt("version", `is ${JSON.stringify(json.version)}; this version reads version 1`);
  }
  if (json.composition !== "basic") {
    throw corrupt("composition", `is ${JSON.stringify(json.composition)}, expected "basic"`);
  }
  if (!isObject(json.datasets)) {
    throw corrupt("datasets", "is not an object");
  }
  const datasets: Record<string, DatasetLedgerEntry> = {};
  for (const [fingerprint, entry] of Object.entries(json.datasets)) {
    const where = `datasets["${fingerprint}"]`;
    if (!isObject(entry)) {
      throw corrupt(where, "is not an object");
    }
    const releases = list(entry, "releases", where).map((r, i): BudgetRelease => {
      const at = `${where}.releases[${i}]`;
      if (!isObject(r)) {
        throw corrupt(at, "is not an object");
      }
      const command = r.command;
      if (command !== undefined && typeof command !== "string") {
        throw corrupt(`${at}.command`, "is not a string");
      }
      return {
        id: text(r, "id", at),
        what: text(r, "what", at),
        at: text(r, "at", at),
        ...budget(r, at),
        ...(command === undefined ? {} : { command }),
      };
    });
    const budgetHistory = list(entry, "budgetHistory", where).map((b, i) => {
      const at = `${where}.budgetHistory[${i}]`;
      return { ...budget(b, at), at: text(b as Json, "at", at) };
    });
    datasets[fingerprint] = {
      name: text(entry, "name", where),
      budget: budget(entry.budget, `${where}.budget`),
      budgetHistory,
      releases,
    };
  }
  return { format: "gatehouse-privacy-ledger", version: 1, composition: "basic", datasets };
}
