import { Type, type Static } from "@fastify/type-provider-typebox";
import { isTimeZone } from "./limit-windows.js";

/** The days a time window names, as ISO 8601 numbers them (1 = Monday). */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The protocols served versions answer, and their endpoints a function rule can name. */
export const PROTOCOLS = ["oip", "openai"] as const;
export const ENDPOINTS = [
  "metadata",
  "ready",
  "infer",
  "models",
  "completions",
  "chat",
  "embeddings",
] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export type Endpoint = (typeof ENDPOINTS)[number];

/** The endpoints that run a model, and so count against quotas; the others only look. */
export const spendsQuota = (endpoint: Endpoint): boolean =>
  endpoint === "infer" ||
  endpoint === "completions" ||
  endpoint === "chat" ||
  endpoint === "embeddings";

const Count = (description: string) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description }));

/** `HH:MM` on a 24-hour clock; `24:00` ends a window at midnight. A `to` before `from` crosses midnight. */
const ClockTime = Type.String({
  pattern: "^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$",
  description: "a time of day as HH:MM (24-hour clock); 24:00 is the end of the day",
});

/** A non-empty list of distinct values from `values`, typed as them. */
const ALL = <T extends readonly string[]>(values: T) =>
  Type.Array(Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v)))), {
    minItems: 1,
    maxItems: values.length,
    uniqueItems: true,
  });

/**
 * Limits for one scope (the hub's defaults, a token, a user, an organisation
 * or a model version), each part optional. Counted limits (`requests`,
 * `concurrency`, `computeSeconds`, `tokens`) answer 429 when spent; `hours`
 * and `functions` are rules that answer 403 naming themselves, and
 * `maxTokens` a cap that answers 400.
 */
export const LimitSpecSchema = Type.Object(
  {
    requests: Type.Optional(
      Type.Object(
        {
          perSecond: Count("requests per second"),
          perMinute: Count("requests per minute"),
          perHour: Count("requests per hour"),
          perDay: Count("requests per calendar day in timeZone"),
          perMonth: Count("requests per calendar month in timeZone"),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
    concurrency: Count("requests in flight at once"),
    computeSeconds: Type.Optional(
      Type.Object(
        {
          perDay: Count("seconds of model run time per calendar day in timeZone"),
          perMonth: Count("seconds of model run time per calendar month in timeZone"),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
    tokens: Type.Optional(
      Type.Object(
        {
          perMinute: Count("language-model tokens (prompt and completion) per minute"),
          perDay: Count("language-model tokens per calendar day in timeZone"),
          perMonth: Count(
            "language-model tokens per calendar month in timeZone: a budget, whose end answers insufficient_quota",
          ),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
    maxTokens: Count("the most tokens one generation call may ask for (max_tokens)"),
    hours: Type.Optional(
      Type.Object(
        {
          days: Type.Optional(ALL(WEEKDAYS)),
          from: ClockTime,
          to: ClockTime,
          timeZone: Type.String({
            minLength: 1,
            maxLength: 64,
            description: "an IANA time zone, such as Asia/Shanghai",
          }),
        },
        { additionalProperties: false },
      ),
    ),
    functions: Type.Optional(
      Type.Object(
        {
          protocols: Type.Optional(ALL(PROTOCOLS)),
          endpoints: Type.Optional(ALL(ENDPOINTS)),
          maxBatch: Count("the most rows one inference call may carry"),
          binaryTensors: Type.Optional(
            Type.Boolean({ description: "false refuses the binary tensor extension" }),
          ),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
    ),
    timeZone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: "the IANA time zone whose calendar days and months quotas count in (UTC)",
      }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ requests: { perSecond: 10, perHour: 1000 }, concurrency: 4 }],
  },
);

export type LimitSpec = Static<typeof LimitSpecSchema>;

/**
 * What the schema cannot say about a spec, as the message that says what to
 * fix, or null when it is sound.
 */
export function specProblem(spec: LimitSpec): string | null {
  for (const [field, zone] of [
    ["timeZone", spec.timeZone],
    ["hours.timeZone", spec.hours?.timeZone],
  ] as const) {
    if (zone !== undefined && !isTimeZone(zone)) {
      return `${field} "${zone}" is not an IANA time zone; write one such as UTC, Europe/Berlin or Asia/Shanghai`;
    }
  }
  if (spec.hours !== undefined && spec.hours.from === spec.hours.to) {
    return `hours.from and hours.to are both ${spec.hours.from}, which leaves no time to call; leave hours out to allow every hour`;
  }
  return null;
}
