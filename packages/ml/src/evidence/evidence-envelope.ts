import { Type, type TSchema, type TUnsafe } from "typebox";

/** A SHA-256 digest as JSON Schema: 64 lowercase hex digits. */
export const SHA256_PATTERN = "^[0-9a-f]{64}$";

/** A schema for a SHA-256 digest, with what it is a digest of. */
export function sha256Schema(of: string) {
  return Type.String({
    pattern: SHA256_PATTERN,
    description: `SHA-256 of ${of}`,
  });
}

/** A schema for an ISO 8601 date-time such as `2025-05-22T09:00:00.000Z`. */
export function dateTimeSchema(description: string) {
  return Type.String({
    format: "date-time",
    description: `${description}, as an ISO 8601 date-time`,
  });
}

/** A schema for `T | null`, as one `type` list so a wrong value gets one error, not one per branch. */
export function nullable<T>(type: "boolean" | "number" | "string", description: string) {
  return Type.Unsafe<T | null>({ type: [type, "null"], description });
}

/** How serious a finding is, lowest first; shared by security scans and red-team exercises. */
export const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;

/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** A schema for a finding's severity. */
export function severitySchema(): TUnsafe<Severity> {
  return Type.Unsafe<Severity>({
    type: "string",
    enum: [...SEVERITIES],
    description: `how serious the finding is: ${SEVERITIES.join(", ")} (lowest first)`,
  });
}

/** The artifact a report is about. */
export const EvidenceSubjectSchema = Type.Object(
  {
    sha256: sha256Schema("the artifact the report is about, e.g. the model file"),
    path: Type.Optional(
      Type.String({
        minLength: 1,
        description: "the artifact's path in the model version or on disk, e.g. `model.onnx`",
      }),
    ),
  },
  { description: "the artifact the report is about, named by the hash of its bytes" },
);

/**
 * The envelope every report carries, whatever its kind, as schema properties for
 * `kind`. A kind's schema is these plus its own body.
 */
export function envelopeProperties<K extends string>(kind: K) {
  return {
    kind: Type.Literal(kind, { description: "what the report is; the body depends on it" }),
    schemaVersion: Type.Literal(2, {
      description: "the envelope's version, bumped when a kind's fields change incompatibly",
    }),
    createdAt: dateTimeSchema("when the report was made"),
    producer: Type.Object(
      {
        name: Type.String({
          minLength: 1,
          description: "the tool or organisation that made the report, e.g. `gatehouse`",
        }),
        version: Type.String({ minLength: 1, description: "the producer's version" }),
      },
      { description: "who or what made the report" },
    ),
    subject: EvidenceSubjectSchema,
    summary: Type.String({
      minLength: 1,
      maxLength: 500,
      description: "one or two sentences a reviewer reads first, at most 500 characters",
    }),
    passed: nullable<boolean>(
      "boolean",
      "the report's own verdict: true or false when it checks a threshold, null when it only measures",
    ),
    validUntil: Type.Optional(
      dateTimeSchema("after this time the report is stale and must be renewed"),
    ),
    trainingComputeFlops: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description:
          "training compute (FLOPs) of the model when the report was made; the report is stale once the model's declared compute reaches 4 times this",
      }),
    ),
  } satisfies Record<string, TSchema>;
}
