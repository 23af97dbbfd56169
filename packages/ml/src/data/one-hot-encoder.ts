import { DataError } from "./data-error.js";

export interface OneHotEncoderOptions {
  /**
   * What `transform` does with a category not seen by `fit`: "error" (default) throws a
   * DataError naming it; "ignore" encodes it as all zeros, as scikit-learn's
   * `handle_unknown="ignore"`.
   */
  handleUnknown?: "error" | "ignore";
}

/**
 * One 0/1 column per category of one categorical column. Categories are learned from the
 * training values and kept sorted, so the column order does not depend on row order.
 * @example
 * const enc = new OneHotEncoder().fit(["red", "green", "red"], "colour");
 * enc.transform(["green"]); // Float64Array [1, 0]  (columns "colour=green", "colour=red")
 */
export class OneHotEncoder {
  /** Categories in column order; empty before `fit`. */
  categories: string[] = [];
  /** The encoded column's name, used in feature names and errors. */
  column = "value";
  private readonly handleUnknown: "error" | "ignore";

  constructor(options: OneHotEncoderOptions = {}) {
    this.handleUnknown = options.handleUnknown ?? "error";
  }

  /** Learns the categories of `values`. */
  fit(values: readonly string[], column = "value"): this {
    if (values.length === 0) {
      throw new DataError(`OneHotEncoder.fit: column "${column}" has no values`, { column });
    }
    this.column = column;
    this.categories = [...new Set(values)].sort();
    return this;
  }

  /** `column=category` for each output column. */
  featureNames(): string[] {
    return this.categories.map((c) => `${this.column}=${c}`);
  }

  /** A row-major matrix of `values.length` rows and one column per category. */
  transform(values: readonly string[]): Float64Array {
    if (this.categories.length === 0) {
      throw new DataError("OneHotEncoder.transform called before fit");
    }
    const index = new Map(this.categories.map((c, i) => [c, i]));
    const k = this.categories.length;
    const out = new Float64Array(values.length * k);
    values.forEach((value, i) => {
      const j = index.get(value);
      if (j !== undefined) {
        out[i * k + j] = 1;
      } else if (this.handleUnknown === "error") {
        throw new DataError(
          `row ${i + 1}, column "${this.column}": category "${value}" was not seen in training (known: ${this.categories
            .map((c) => `"${c}"`)
            .join(", ")}); pass handleUnknown: "ignore" to encode it as all zeros`,
          { row: i + 1, column: this.column },
        );
      }
    });
    return out;
  }
}
