import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import formatsPlugin from "ajv-formats";
import { Type } from "typebox";
import { envelopeProperties, SHA256_PATTERN } from "./evidence-envelope.js";
import {
  EVIDENCE_KINDS,
  EVIDENCE_KIND_NAMES,
  isEvidenceKind,
  type Evidence,
  type EvidenceKind,
} from "./evidence-kinds.js";

/** One thing wrong with a report: where (a JSON pointer, `""` for the whole report) and what to fix. */
export interface EvidenceError {
  readonly path: string;
  readonly message: string;
}

/** The verdict of {@link validateEvidence}: the typed report, or every error found in it. */
export type EvidenceValidation =
  | { readonly ok: true; readonly evidence: Evidence }
  | { readonly ok: false; readonly errors: readonly EvidenceError[] };

// ajv-formats is CommonJS; depending on the loader its plugin is the default export or nested in it.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ??
  formatsPlugin) as unknown as (ajv: Ajv) => Ajv;

/**
 * Per kind, a validator of the whole report and one of its envelope alone; the
 * schemas are constants, so compiling them once is safe to share.
 */
const VALIDATORS: {
  readonly [K in EvidenceKind]: {
    readonly report: ValidateFunction;
    readonly envelope: ValidateFunction;
  };
} = (() => {
  // allErrors: a publisher fixes every problem in one round; verbose: the schema's
  // descriptions go into the messages; discriminator: a privacy report is checked
  // only against the assessment it names.
  const ajv = addFormats(
    new Ajv({ allErrors: true, verbose: true, discriminator: true, allowUnionTypes: true }),
  );
  const compiled = {} as Record<
    EvidenceKind,
    { report: ValidateFunction; envelope: ValidateFunction }
  >;
  for (const kind of EVIDENCE_KIND_NAMES) {
    compiled[kind] = {
      report: ajv.compile(EVIDENCE_KINDS[kind].schema),
      envelope: ajv.compile(Type.Object(envelopeProperties(kind))),
    };
  }
  return compiled;
})();

/**
 * Checks that `json` is an evidence report of a known kind, listing every error
 * (not just the first) with its JSON pointer and what to fix. A report may carry
 * fields beyond its schema; only those the schema names are checked.
 *
 * @example
 * const verdict = validateEvidence(JSON.parse(text));
 * if (!verdict.ok) for (const e of verdict.errors) console.error(`${e.path || "/"}: ${e.message}`);
 */
export function validateEvidence(json: unknown): EvidenceValidation {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return {
      ok: false,
      errors: [{ path: "", message: "must be a JSON object: an evidence report with a `kind`" }],
    };
  }
  const kind = (json as { kind?: unknown }).kind;
  if (!isEvidenceKind(kind)) {
    const known = EVIDENCE_KIND_NAMES.join(", ");
    const message =
      kind === undefined
        ? `missing: add \`kind\`, one of ${known}`
        : `unknown kind ${JSON.stringify(kind)}; the known kinds are ${known}`;
    return { ok: false, errors: [{ path: "/kind", message }] };
  }
  const { report, envelope } = VALIDATORS[kind];
  if (report(json)) {
    return { ok: true, evidence: json as Evidence };
  }
  const found = report.errors ?? [];
  // A missing or unknown discriminator (privacy's `assessment`) stops the check
  // of the body; the envelope is still checked so that its errors are listed too.
  if (found.some((e) => e.keyword === "discriminator") && !envelope(json)) {
    found.push(...(envelope.errors ?? []));
  }
  const errors = found.flatMap(describe);
  return {
    ok: false,
    errors: errors.length > 0 ? errors : [{ path: "", message: "is not a valid report" }],
  };
}

function pointerToken(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

function descriptionOf(schema: unknown): string | undefined {
  if (typeof schema === "object" && schema !== null && "description" in schema) {
    const d = schema.description;
    return typeof d === "string" ? d : undefined;
  }
  return undefined;
}

function withMeaning(message: string, schema: unknown): string {
  const meaning = descriptionOf(schema);
  return meaning === undefined ? message : `${message} (${meaning})`;
}

/**
 * An ajv error as {@link EvidenceError}s that say what to fix; none for a failed
 * `oneOf`, which the errors of the branch the discriminator chose explain.
 */
function describe(error: ErrorObject): EvidenceError[] {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required": {
      const name = String(params.missingProperty);
      const properties = (error.parentSchema as { properties?: Record<string, unknown> })
        .properties;
      return [
        {
          path: `${at}/${pointerToken(name)}`,
          message: withMeaning(`missing: add \`${name}\``, properties?.[name]),
        },
      ];
    }
    case "type": {
      const types = String(params.type).split(",").join(" or ");
      return [{ path: at, message: withMeaning(`must be ${types}`, error.parentSchema) }];
    }
    case "enum":
      return [
        {
          path: at,
          message: withMeaning(
            `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
            error.parentSchema,
          ),
        },
      ];
    case "const":
      return [
        {
          path: at,
          message: withMeaning(
            `must be ${JSON.stringify(params.allowedValue)}`,
            error.parentSchema,
          ),
        },
      ];
    case "format":
      return [
        {
          path: at,
          message:
            params.format === "date-time"
              ? "must be an ISO 8601 date-time with a time zone, e.g. 2025-05-22T09:00:00Z"
              : `must be a ${String(params.format)}`,
        },
      ];
    case "discriminator": {
      const tag = String(params.tag);
      const allowed = (
        error.parentSchema as { oneOf?: { properties?: Record<string, unknown> }[] }
      ).oneOf
        ?.map((branch) => (branch.properties?.[tag] as { const?: unknown } | undefined)?.const)
        .filter((v): v is string => typeof v === "string")
        .join(", ");
      const value = params.tagValue;
      return [
        {
          path: `${at}/${pointerToken(tag)}`,
          message:
            value === undefined
              ? `missing: add \`${tag}\`, one of ${allowed ?? ""}`
              : `unknown ${tag} ${JSON.stringify(value)}; the known values are ${allowed ?? ""}`,
        },
      ];
    }
    case "pattern":
      return [
        {
          path: at,
          message: withMeaning(
            params.pattern === SHA256_PATTERN
              ? "must be 64 lowercase hex digits"
              : `must match the pattern ${String(params.pattern)}`,
            error.parentSchema,
          ),
        },
      ];
    case "minLength":
      if (params.limit === 1) {
        return [{ path: at, message: withMeaning("must not be empty", error.parentSchema) }];
      }
      return [
        {
          path: at,
          message: withMeaning(error.message ?? "is too short", error.parentSchema),
        },
      ];
    case "oneOf":
    case "anyOf":
      return [];
    default:
      return [
        {
          path: at,
          message: withMeaning(error.message ?? `fails ${error.keyword}`, error.parentSchema),
        },
      ];
  }
}
