import { PlotInputError } from "./plot-input-error.js";

/** Copies `values` to an array, refusing an empty one and any value that is not a finite number. */
export function finiteNumbers(name: string, values: ArrayLike<number>): number[] {
  if (values.length === 0) {
    throw new PlotInputError(`${name} is empty: give at least one value`);
  }
  const out = Array.from(values);
  out.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new PlotInputError(
        `${name}[${i}] is ${String(v)}: every value must be a finite number`,
      );
    }
  });
  return out;
}

/** As {@link finiteNumbers}, and every value must lie in [0, 1]. */
export function unitNumbers(name: string, values: ArrayLike<number>): number[] {
  const out = finiteNumbers(name, values);
  out.forEach((v, i) => {
    if (v < 0 || v > 1) {
      throw new PlotInputError(`${name}[${i}] is ${v}: values must lie between 0 and 1`);
    }
  });
  return out;
}

export function sameLength(aName: string, a: number, bName: string, b: number): void {
  if (a !== b) {
    throw new PlotInputError(
      `${aName} has ${a} values but ${bName} has ${b}: give one ${bName} value per ${aName} value`,
    );
  }
}

export function nonEmpty(name: string, length: number): void {
  if (length === 0) {
    throw new PlotInputError(`${name} is empty: give at least one`);
  }
}

/** Series and classes are told apart by label, so two with one label would be drawn as one. */
export function uniqueLabels(name: string, labels: readonly string[]): void {
  const seen = new Set<string>();
  labels.forEach((label, i) => {
    if (typeof label !== "string") {
      throw new PlotInputError(`${name}[${i}] is ${String(label)}: labels must be strings`);
    }
    if (seen.has(label)) {
      throw new PlotInputError(
        `${name}[${i}] "${label}" repeats an earlier label: labels must be unique`,
      );
    }
    seen.add(label);
  });
}

/** A single value (an AUC, a loss, an epoch) that must be a finite number. */
export function finiteValue(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new PlotInputError(`${name} is ${String(value)}: it must be a finite number`);
  }
  return value;
}
