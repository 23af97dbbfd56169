/** Activation applied after a dense layer's affine map. */
export type OnnxActivation = "linear" | "relu" | "sigmoid" | "softmax";

/** Which family of model the layers describe; decides the checks and the graph's outputs. */
export type OnnxModelKind = "linear-regression" | "logistic-regression" | "mlp";

/**
 * One fully connected layer: `activation(h · weights + bias)`.
 * `weights` is row-major with `inputSize` rows and `outputSize` columns, so
 * `weights[i * outputSize + j]` connects input `i` to output `j`.
 */
export interface OnnxDenseLayer {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly weights: ArrayLike<number>;
  readonly bias: ArrayLike<number>;
  readonly activation: OnnxActivation;
}

/**
 * Fitted scaling of the numeric (non one-hot) columns, in their raw order.
 * - `standard`: `(x - mean) / scale`, as scikit-learn's `StandardScaler` (`mean_`, `scale_`).
 * - `minmax`: `x * scale + min`, as scikit-learn's `MinMaxScaler` (`scale_`, `min_`).
 */
export type OnnxScaler =
  | {
      readonly kind: "standard";
      readonly mean: ArrayLike<number>;
      readonly scale: ArrayLike<number>;
    }
  | {
      readonly kind: "minmax";
      readonly min: ArrayLike<number>;
      readonly scale: ArrayLike<number>;
    };

/**
 * One categorical raw column, given as numeric codes, expanded to one indicator per category
 * (in `categories` order). A code not in `categories` gives all zeros, like scikit-learn's
 * `OneHotEncoder(handle_unknown="ignore")`.
 */
export interface OnnxOneHot {
  /** Index into the raw feature row, or a name from `featureNames`. */
  readonly column: number | string;
  readonly categories: readonly number[];
}

/**
 * How raw feature rows become the first layer's input. The first layer sees the numeric
 * columns (scaled if `scaler` is given) in raw order, followed by each one-hot block in
 * `oneHot` order — the layout of scikit-learn's
 * `ColumnTransformer([("num", scaler, numeric), ("cat", OneHotEncoder(), categorical)])`.
 */
export interface OnnxPreprocessing {
  /** Names of the raw input columns; their count is the model's feature count. */
  readonly featureNames: readonly string[];
  readonly scaler?: OnnxScaler;
  readonly oneHot?: readonly OnnxOneHot[];
}

/** Descriptive fields written into the file. */
export interface OnnxExportMetadata {
  /** Licence identifier or text the model is released under (e.g. `"apache-2.0"`). */
  readonly licence: string;
  /** Link to the model card. */
  readonly cardUrl?: string;
  /** Free text; stored as the model's `doc_string`. */
  readonly description?: string;
  /** Version of the software that produced the model; stored as `producer_version`. */
  readonly producerVersion: string;
}

/**
 * Everything needed to export a trained dense model with its fitted preprocessing.
 *
 * @example
 * ```ts
 * const bytes = exportOnnx({
 *   kind: "logistic-regression",
 *   layers: [{ inputSize: 2, outputSize: 1, weights: w, bias: b, activation: "sigmoid" }],
 *   preprocessing: { featureNames: ["age", "income"], scaler: { kind: "standard", mean, scale } },
 *   classes: ["no", "yes"],
 *   metadata: { licence: "apache-2.0", producerVersion: "0.1.0" },
 * });
 * ```
 */
export interface OnnxExportSpec {
  readonly kind: OnnxModelKind;
  readonly layers: readonly OnnxDenseLayer[];
  readonly preprocessing: OnnxPreprocessing;
  /** Class labels in output order; present exactly when the model is a classifier. */
  readonly classes?: readonly string[];
  readonly metadata: OnnxExportMetadata;
}
