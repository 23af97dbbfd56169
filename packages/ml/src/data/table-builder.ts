import type { TabularDataset, Task } from "./dataset.js";
import { DataError } from "./data-error.js";

/** Options shared by {@link readCsv} and {@link readJsonl}. */
export interface ReadTableOptions {
  /** Column holding the label (classification) or value (regression). */
  target: string;
  /** Feature columns in this order; default every column except the target, in file order. */
  features?: readonly string[];
  /**
   * Feature columns holding categories rather than numbers; each becomes one 0/1 column per
   * category seen, named `column=category`, categories in sorted order. Any other feature
   * column must hold numbers only.
   */
  categorical?: readonly string[];
  /**
   * Default: guessed. Classification when a target value is not a number, or when every
   * value is an integer and there are at most {@link MAX_GUESSED_CLASSES} distinct values;
   * regression otherwise.
   */
  task?: Task;
  /**
   * Drop rows with an empty cell, NaN or ±Infinity in a used column (counted in
   * `droppedRows`) instead of refusing the file. Default false.
   */
  dropInvalid?: boolean;
  /** Dataset name; default the file name without its extension. */
  name?: string;
}

/** A dataset read from a file, with what was left out of it. */
export interface FileDataset extends TabularDataset {
  /** Rows skipped because of an empty, NaN or infinite value (only with `dropInvalid`). */
  readonly droppedRows: number;
}

/** Integer targets with at most this many distinct values are guessed to be class labels. */
export const MAX_GUESSED_CLASSES = 20;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** A cell as read from the file: text from CSV, any JSON value from JSONL, undefined if absent. */
export type Cell = unknown;

type Parsed =
  | { kind: "number"; value: number }
  | { kind: "invalid"; what: string }
  | { kind: "text"; text: string };

function parseCell(cell: Cell): Parsed {
  if (cell === null || cell === undefined) {
    return { kind: "invalid", what: "empty" };
  }
  if (typeof cell === "number") {
    return Number.isFinite(cell)
      ? { kind: "number", value: cell }
      : { kind: "invalid", what: String(cell) };
  }
  const text = typeof cell === "string" ? cell.trim() : JSON.stringify(cell);
  if (text === "") {
    return { kind: "invalid", what: "empty" };
  }
  if (NUMBER.test(text)) {
    const value = Number(text);
    return Number.isFinite(value)
      ? { kind: "number", value }
      : { kind: "invalid", what: `"${text}" (overflows)` };
  }
  if (NOT_FINITE.test(text)) {
    return { kind: "invalid", what: `"${text}" (not a finite number)` };
  }
  return { kind: "text", text };
}

class GrowableFloat64 {
  private buffer = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.buffer.length) {
      const bigger = new Float64Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.length++] = value;
  }
  view(): Float64Array {
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * Collects the rows of a file one at a time into column buffers, so a reader can stream
 * and only the numbers (not the text) of the file stay in memory.
 */
export class TableBuilder {
  private readonly numeric: string[];
  private readonly categorical: string[];
  private readonly numericValues = new GrowableFloat64();
  private readonly categoryCodes: Map<string, number>[];
  private readonly categoryValues: number[][];
  private readonly targetNumbers = new GrowableFloat64();
  private targetTexts: string[] | null = null;
  private droppedRows = 0;
  private rows = 0;

  constructor(
    private readonly options: ReadTableOptions,
    features: readonly string[],
    private readonly name: string,
  ) {
    const categorical = new Set(options.categorical ?? []);
    for (const column of categorical) {
      if (!features.includes(column)) {
        throw new DataError(
          `categorical column "${column}" is not among the features: ${features.join(", ")}`,
          {
            column,
          },
        );
      }
    }
    this.numeric = features.filter((f) => !categorical.has(f));
    this.categorical = features.filter((f) => categorical.has(f));
    this.categoryCodes = this.categorical.map(() => new Map<string, number>());
    this.categoryValues = this.categorical.map(() => []);
  }

  /** The columns a row must provide to {@link add}, in this order: numeric, categorical, target. */
  get usedColumns(): string[] {
    return [...this.numeric, ...this.categorical, this.options.target];
  }

  /** Adds one row, `cells` aligned with {@link usedColumns}. `row` is the position used in errors. */
  add(row: number, cells: readonly Cell[]): void {
    const numbers: number[] = [];
    let at = 0;
    for (const column of this.numeric) {
      const parsed = parseCell(cells[at++]);
      if (parsed.kind === "invalid") {
        this.invalid(row, column, parsed.what);
        return;
      }
      if (parsed.kind === "text") {
        throw new DataError(
          `row ${row}, column "${column}": "${parsed.text}" is not a number (if "${column}" holds categories, list it in the categorical option)`,
          { row, column },
        );
      }
      numbers.push(parsed.value);
    }
    const categories: string[] = [];
    for (const column of this.categorical) {
      // A category is its text as written ("02134" stays "02134"); only an empty cell is invalid.
      const cell = cells[at++];
      const text =
        cell === null || cell === undefined
          ? ""
          : typeof cell === "string"
            ? cell.trim()
            : JSON.stringify(cell);
      if (text === "") {
        this.invalid(row, column, "empty");
        return;
      }
      categories.push(text);
    }
    const target = parseCell(cells[at]);
    if (target.kind === "invalid") {
      this.invalid(row, this.options.target, target.what);
      return;
    }
    if (target.kind === "text" && this.options.task === "regression") {
      throw new DataError(
        `row ${row}, column "${this.options.target}": "${target.text}" is not a number`,
        {
          row,
          column: this.options.target,
        },
      );
    }
    for (const value of numbers) {
      this.numericValues.push(value);
    }
    categories.forEach((category, c) => {
      const codes = this.categoryCodes[c] ?? new Map<string, number>();
      let code = codes.get(category);
      if (code === undefined) {
        code = codes.size;
        codes.set(category, code);
      }
      this.categoryValues[c]?.push(code);
    });
    this.addTarget(target);
    this.rows++;
  }

  private addTarget(target: Parsed): void {
    if (target.kind === "number" && this.targetTexts === null) {
      this.targetNumbers.push(target.value);
      return;
    }
    const text =
      target.kind === "number" ? String(target.value) : target.kind === "text" ? target.text : "";
    if (this.targetTexts === null) {
      // The first text label: keep labels as text from now on, and convert those seen so far.
      this.targetTexts = Array.from(this.targetNumbers.view(), (v) => String(v));
    }
    this.targetTexts.push(text);
  }

  private invalid(row: number, column: string, what: string): void {
    if (this.options.dropInvalid === true) {
      this.droppedRows++;
      return;
    }
    throw new DataError(
      `row ${row}, column "${column}": ${what === "empty" ? "empty cell" : `${what} is not a valid value`}; fix it or pass dropInvalid: true to drop such rows`,
      { row, column },
    );
  }

  /** The dataset read so far; refuses an empty table and a label with one class. */
  finish(): FileDataset {
    if (this.rows === 0) {
      throw new DataError(
        this.droppedRows > 0
          ? `"${this.name}": all ${this.droppedRows} data rows were dropped as invalid`
          : `"${this.name}" has a header but no data rows`,
      );
    }
    const { task, y, classes } = this.finishTarget();
    const sortedCategories = this.categoryCodes.map((codes) => [...codes.keys()].sort());
    const featureNames = [
      ...this.numeric,
      ...this.categorical.flatMap((column, c) =>
        (sortedCategories[c] ?? []).map((category) => `${column}=${category}`),
      ),
    ];
    const d = featureNames.length;
    const x = new Float64Array(this.rows * d);
    const numeric = this.numericValues.view();
    const k = this.numeric.length;
    for (let i = 0; i < this.rows; i++) {
      x.set(numeric.subarray(i * k, i * k + k), i * d);
    }
    let offset = k;
    this.categorical.forEach((_, c) => {
      const sorted = sortedCategories[c] ?? [];
      const codes = this.categoryCodes[c] ?? new Map<string, number>();
      // Codes were given in order of appearance; map them to sorted positions.
      const position = new Int32Array(sorted.length);
      sorted.forEach((category, p) => {
        position[codes.get(category) ?? 0] = p;
      });
      const values = this.categoryValues[c] ?? [];
      for (let i = 0; i < this.rows; i++) {
        x[i * d + offset + (position[values[i] ?? 0] ?? 0)] = 1;
      }
      offset += sorted.length;
    });
    return {
      name: this.name,
      task,
      featureNames,
      targetName: this.options.target,
      x,
      y,
      classes,
      droppedRows: this.droppedRows,
    };
  }

  private finishTarget(): { task: Task; y: Float64Array; classes: string[] } {
    const numbers = this.targetNumbers.view();
    const texts = this.targetTexts;
    let task = this.options.task;
    if (task === undefined) {
      if (texts !== null) {
        task = "classification";
      } else {
        const distinct = new Set<number>();
        let integers = true;
        for (const v of numbers) {
          integers &&= Number.isInteger(v);
          if (distinct.size <= MAX_GUESSED_CLASSES) {
            distinct.add(v);
          }
        }
        task = integers && distinct.size <= MAX_GUESSED_CLASSES ? "classification" : "regression";
      }
    }
    if (task === "regression") {
      return { task, y: numbers.slice(), classes: [] };
    }
    const labels = texts ?? Array.from(numbers, (v) => String(v));
    const distinct = [...new Set(labels)];
    const allNumeric = distinct.every((l) => NUMBER.test(l));
    // Sorted like scikit-learn's LabelEncoder: numerically for numeric labels, else by code point.
    const classes = allNumeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
    if (classes.length < 2) {
      throw new DataError(
        `column "${this.options.target}" has only one class (${JSON.stringify(classes[0] ?? "")}); classification needs at least two`,
        { column: this.options.target },
      );
    }
    const codes = new Map(classes.map((c, i) => [c, i]));
    const y = Float64Array.from(labels, (l) => codes.get(l) ?? 0);
    return { task, y, classes };
  }
}

/** The feature columns to read: `options.features` checked against the file's columns, or all but the target. */
export function chooseFeatures(
  columns: readonly string[],
  options: ReadTableOptions,
  file: string,
): string[] {
  const missing = [options.target, ...(options.features ?? [])].filter((c) => !columns.includes(c));
  const first = missing[0];
  if (first !== undefined) {
    throw new DataError(
      `${file}: no column "${first}"; the columns are ${columns.map((c) => `"${c}"`).join(", ")}`,
      { column: first },
    );
  }
  const features = options.features ?? columns.filter((c) => c !== options.target);
  if (features.includes(options.target)) {
    throw new DataError(`column "${options.target}" is the target and cannot also be a feature`, {
      column: options.target,
    });
  }
  if (features.length === 0) {
    throw new DataError(`${file}: no feature columns besides the target "${options.target}"`);
  }
  return [...features];
}
