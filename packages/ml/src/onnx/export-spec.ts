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
  /**
   * More `metadata_props` entries, e.g. how the model was trained, so that an evaluation can
   * find the same test split. Keys must differ from the ones the exporter writes itself.
   */
  readonly extra?: Readonly<Record<string, string>>;
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

/**
 * How raw text becomes the token ids a text model reads, as `Vocabulary`, `tokenize` and
 * `padSequences` of the data module do it.
 */
export interface OnnxTextPreprocessing {
  /**
   * Token of each id (`Vocabulary.tokens`): `"<pad>"` at 0, `"<oov>"` (any unknown token) at 1.
   * The vocabulary must have been built with the default `tokenize`.
   */
  readonly vocabulary: readonly string[];
  /** Ids per text after padding or cutting. */
  readonly sequenceLength: number;
  /** Where padding ids go. */
  readonly padding: "pre" | "post";
  /** Which end of a too-long text is cut. */
  readonly truncating: "pre" | "post";
}

/** An embedding table: row `id` is `weights[id * dim .. (id + 1) * dim]`. */
export interface OnnxEmbedding {
  readonly vocabSize: number;
  readonly dim: number;
  readonly weights: ArrayLike<number>;
}

/**
 * LSTM weights in the Keras layout, gates in the order input, forget, cell, output: `kernel`
 * row-major `inputSize × 4·units`, `recurrentKernel` `units × 4·units`, `bias` `4·units`.
 * Gates use a sigmoid, cell input and output tanh; the state starts at zero and the last step's
 * output feeds the dense layers.
 */
export interface OnnxLstm {
  readonly inputSize: number;
  readonly units: number;
  readonly kernel: ArrayLike<number>;
  readonly recurrentKernel: ArrayLike<number>;
  readonly bias: ArrayLike<number>;
}

/**
 * Everything needed to export a trained text classifier over token ids, e.g. from a
 * `TextModel`'s `embedding()` and `denseLayers()` and the `Vocabulary` it was trained with.
 *
 * @example
 * ```ts
 * const bytes = exportTextOnnx({
 *   kind: "text-pooling",
 *   embedding: model.embedding(),
 *   layers: model.denseLayers(),
 *   classes: model.classes,
 *   preprocessing: { vocabulary: vocab.tokens, sequenceLength: 200, padding: "pre", truncating: "pre" },
 *   metadata: { licence: "apache-2.0", producerVersion: "0.1.0" },
 * });
 * ```
 */
export interface OnnxTextExportSpec {
  /**
   * `text-pooling`: embedding → mean over every step (padding included) → dense layers;
   * `text-lstm`: embedding → LSTM → dense layers.
   */
  readonly kind: "text-pooling" | "text-lstm";
  readonly embedding: OnnxEmbedding;
  /** The recurrent layer (e.g. `TextModel.lstm()`); required for `text-lstm`, absent otherwise. */
  readonly lstm?: OnnxLstm | null;
  /** The classifier head after the pooling or LSTM; the last layer is softmax, or one sigmoid unit for two classes. */
  readonly layers: readonly OnnxDenseLayer[];
  /** Class labels in output order. */
  readonly classes: readonly string[];
  readonly preprocessing: OnnxTextPreprocessing;
  readonly metadata: OnnxExportMetadata;
}
