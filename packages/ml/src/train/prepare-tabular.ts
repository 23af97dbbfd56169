import type { NetworkRows } from "./fit-model.js";
import {
  checkOptions,
  checkSameSchema,
  checkSeveralClassesPresent,
  checkTabular,
  type LoopSettings,
} from "./check-input.js";
import type { TabularExamples, TrainOptions } from "./model-types.js";

/** Checked training and validation rows of a numeric table, ready for `fitModel`. */
export interface PreparedTabular {
  readonly settings: LoopSettings;
  readonly train: NetworkRows;
  readonly validation?: NetworkRows;
}

/** Checks a table and options, then converts the features to float32 for tfjs. */
export function prepareTabular(
  data: TabularExamples,
  task: "classification" | "regression",
  options: TrainOptions,
  defaults: LoopSettings,
): PreparedTabular {
  const settings = checkOptions(options, defaults);
  checkTabular(data, task, "training");
  if (task === "classification") {
    checkSeveralClassesPresent(data.y, data.classes);
  }
  const rowShape = [data.featureNames.length];
  const train = { x: Float32Array.from(data.x), rowShape, y: data.y };
  const val = options.validation;
  if (val === undefined) {
    return { settings, train };
  }
  checkSameSchema(data, val);
  checkTabular(val, task, "validation");
  return { settings, train, validation: { x: Float32Array.from(val.x), rowShape, y: val.y } };
}
