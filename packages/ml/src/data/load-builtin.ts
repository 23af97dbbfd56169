import type { TabularDataset, TextDataset } from "./dataset.js";
import { DataError } from "./data-error.js";
import { loadBoston } from "./load-boston.js";
import { loadCpsWages } from "./load-cps-wages.js";
import { loadIris } from "./load-iris.js";
import { loadSpamAssassin } from "./load-spam-assassin.js";

/** Names accepted by {@link loadBuiltin}. */
export const BUILTIN_DATASETS = ["iris", "boston", "spam", "cps-wages"] as const;
export type BuiltinDatasetName = (typeof BUILTIN_DATASETS)[number];

/**
 * Loads a dataset shipped with the toolkit by name: "iris" and "boston" and
 * "cps-wages" are tabular, "spam" (SpamAssassin) is text.
 * @example
 * const iris = loadBuiltin("iris"); // TabularDataset, 150 rows
 */
export function loadBuiltin(name: "spam"): TextDataset;
export function loadBuiltin(name: "iris" | "boston" | "cps-wages"): TabularDataset;
export function loadBuiltin(name: string): TabularDataset | TextDataset;
export function loadBuiltin(name: string): TabularDataset | TextDataset {
  switch (name) {
    case "iris":
      return loadIris();
    case "boston":
      return loadBoston();
    case "spam":
      return loadSpamAssassin();
    case "cps-wages":
      return loadCpsWages();
    default:
      throw new DataError(
        `unknown built-in dataset "${name}"; valid names are ${BUILTIN_DATASETS.map((n) => `"${n}"`).join(", ")}`,
      );
  }
}
