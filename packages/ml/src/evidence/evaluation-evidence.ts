import { Type, type Static } from "typebox";
import { envelopeProperties, nullable, sha256Schema } from "./evidence-envelope.js";

/**
 * Kind `evaluation`: a model's metrics on a dataset. The toolkit's reports
 * (`gatehouse eval`, `gatehouse train`) also carry `perClass`, `confusionMatrix`,
 * `curves` and `calibration`; docs/evidence.md lists them.
 */
export const EvaluationEvidenceSchema = Type.Object(
  {
    ...envelopeProperties("evaluation"),
    task: Type.Optional(
      Type.String({ minLength: 1, description: "what the model predicts, e.g. `classification`" }),
    ),
    artifact: Type.Optional(
      Type.Object(
        {
          name: Type.String({ description: "the evaluated file's base name" }),
          sha256: sha256Schema("the evaluated file"),
          bytes: Type.Integer({ minimum: 0, description: "the evaluated file's size" }),
        },
        { description: "the file evaluated, as run" },
      ),
    ),
    dataset: Type.Object(
      {
        name: Type.String({ minLength: 1, description: "the dataset's name, e.g. `iris`" }),
        fingerprint: Type.Optional(
          Type.String({ description: "the fingerprint of the dataset's rows (docs/data.md)" }),
        ),
        rows: Type.Optional(Type.Integer({ minimum: 0, description: "rows in the whole dataset" })),
      },
      { description: "the dataset the model was evaluated on" },
    ),
    split: Type.Object(
      {
        name: Type.String({
          minLength: 1,
          description: "which rows were scored, e.g. `test` or `all`",
        }),
        rows: Type.Optional(Type.Integer({ minimum: 0, description: "rows scored" })),
      },
      { description: "the part of the dataset scored" },
    ),
    metrics: Type.Record(
      Type.String(),
      nullable<number>("number", "a metric's value; null when undefined for the data"),
      { description: 'metric name → value, e.g. `{ "f1": 0.93 }`' },
    ),
  },
  {
    title: "Evaluation evidence",
    description: "a model's metrics on a dataset",
  },
);

/** A report of kind `evaluation`. */
export type EvaluationEvidence = Static<typeof EvaluationEvidenceSchema>;
