/**
 * What a model card says about a model. The card writer invents nothing: every value comes
 * from the caller (the training run, its dataset and its evaluation). Optional parts that are
 * missing leave their section out of the card.
 */
export interface ModelCardInfo {
  /** Name of the model: the card's heading and the `model-index` entry's `name`. */
  readonly modelName: string;
  /** What the model is and does, in Markdown. */
  readonly description: string;
  /** Licence id, as the Hugging Face Hub knows them (for example "apache-2.0", "mit"). */
  readonly license: string;
  /**
   * Hugging Face pipeline tag, also the `model-index` task type (for example
   * "tabular-classification", "tabular-regression", "text-classification").
   */
  readonly pipelineTag: string;
  /** Readable task name for the `model-index` (for example "Tabular classification"). */
  readonly taskName?: string;
  /** Extra tags for the Hub's filters. */
  readonly tags?: readonly string[];
  /** Uses the model is meant for, each a sentence of Markdown. */
  readonly intendedUses?: readonly string[];
  /** Known limitations and uses it is not fit for, each a sentence of Markdown. */
  readonly limitations?: readonly string[];
  readonly dataset: CardDataset;
  readonly training?: CardTraining;
  /** Evaluation results; an empty list writes no `model-index` and no results section. */
  readonly results: readonly CardResult[];
  readonly usage?: CardUsage;
  /** The differential-privacy guarantee of the training run; absent: the card says there is none. */
  readonly privacy?: CardPrivacy;
  /** The card's `library_name`: what loads the files; "onnx" by default. */
  readonly libraryName?: string;
  /**
   * A Jinja chat template (the card's `chat_template`, as a Hugging Face
   * tokenizer_config.json holds it): how a chat becomes a prompt when the hub
   * serves the model through its OpenAI-compatible chat endpoint.
   */
  readonly chatTemplate?: string;
  /** The model this one was made from, as the card's `base_model` and `base_model_relation`. */
  readonly baseModel?: CardBaseModel;
  /** Further sections, after the results: heading and Markdown body, e.g. samples of generated text. */
  readonly sections?: readonly CardSection[];
}

/** A base model on the hub, `NS/NAME` or `NS/NAME@VERSION`, and how this model derives from it. */
export interface CardBaseModel {
  readonly id: string;
  readonly relation: "finetune" | "adapter" | "merge" | "quantized";
}

/** A section of Markdown the caller writes whole. */
export interface CardSection {
  readonly heading: string;
  readonly markdown: string;
}

/** The training data. */
export interface CardDataset {
  /** Dataset id (the `datasets` entry and the `model-index` dataset `type`), e.g. "iris". */
  readonly id: string;
  /** Readable dataset name, e.g. "Iris (Fisher, 1936)". */
  readonly name: string;
  /** Number of rows in the whole dataset, before splitting. */
  readonly rows: number;
  /** Names of the input features, in the order the model takes them. */
  readonly features?: readonly string[];
  /** Name of the target column. */
  readonly target?: string;
  readonly split?: CardSplit;
  /** Preprocessing steps in the order applied, e.g. "standard scaling fitted on the training split". */
  readonly preprocessing?: readonly string[];
}

/** How the rows were split. Fractions are of the whole dataset and sum to 1. */
export interface CardSplit {
  readonly seed: number;
  readonly train: number;
  readonly validation?: number;
  readonly test?: number;
  /** True when every split kept the class proportions of the whole dataset. */
  readonly stratified?: boolean;
}

/** How the model was trained. */
export interface CardTraining {
  /** E.g. "MLP 4-16-3, ReLU, softmax output". */
  readonly architecture: string;
  /** E.g. "Adam", "SGD". */
  readonly optimizer: string;
  readonly learningRate: number;
  /** Epochs actually run. */
  readonly epochsRun: number;
  /** Epochs allowed, when training could stop earlier. */
  readonly maxEpochs?: number;
  readonly earlyStopping?: CardEarlyStopping;
  readonly batchSize: number;
  readonly seed: number;
  /** Loss minimised, e.g. "categorical cross-entropy". */
  readonly loss?: string;
}

/** Early stopping as configured, and the epoch whose weights were kept. */
export interface CardEarlyStopping {
  /** Quantity watched, e.g. "validation loss". */
  readonly monitor: string;
  /** Epochs without improvement before stopping. */
  readonly patience: number;
  /** Epoch whose weights the model has, when the best ones were restored. */
  readonly bestEpoch?: number;
}

/** One metric measured on one split. */
export interface CardResult {
  /** Metric id, e.g. "accuracy", "f1", "roc_auc", "mse". */
  readonly type: string;
  /** Readable name, e.g. "Test accuracy"; defaults to the id. */
  readonly name?: string;
  /** The value exactly as measured; the card's YAML keeps every digit. */
  readonly value: number;
  /** Split it was measured on, e.g. "test", "validation". */
  readonly split: string;
}

/** The ONNX model's interface, for the "How to use" snippet. */
export interface CardUsage {
  /** File name of the model in the repository, e.g. "model.onnx". */
  readonly modelFile: string;
  /** Name of the input tensor, e.g. "features". */
  readonly inputName: string;
  /** Element type of the input: "float32" for features, "int64" for token ids. */
  readonly inputType: "float32" | "int64";
  /** Values per example (features, or the padded sequence length). */
  readonly inputWidth: number;
  /** Names of the outputs, e.g. ["probabilities", "label"] or ["prediction"]. */
  readonly outputNames: readonly string[];
}

/**
 * A differential-privacy guarantee (ε, δ) and the DP-SGD settings it was accounted for.
 * Field names match the `privacy` of a model trained with DP-SGD, so it can be passed as is.
 */
export interface CardPrivacy {
  readonly epsilon: number;
  readonly delta: number;
  readonly noiseMultiplier: number;
  /** Per-example gradient clipping norm (L2). */
  readonly clipNorm: number;
  /** Probability of each example being in a batch (Poisson sampling). */
  readonly sampleRate: number;
  /** Accountant that computed ε, e.g. "rdp". */
  readonly accountant?: string;
  /** Noisy gradient steps taken. */
  readonly steps?: number;
}
