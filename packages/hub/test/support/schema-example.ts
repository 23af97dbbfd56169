/** The parts of a JSON schema (as TypeBox writes them) that an example is built from. */
interface Schema {
  readonly type?: string | readonly string[];
  readonly examples?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly minItems?: number;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly format?: string;
  readonly pattern?: string;
}

/**
 * A small valid value for a route's schema, so that a request reaches the
 * handler's own decisions: the schema's first `examples` entry where it has
 * one, otherwise the least that satisfies it (required properties only).
 * Throws for what it cannot satisfy (a pattern without examples), naming the
 * place, so that a new schema gets an example rather than a silent skip.
 */
export function exampleOf(schema: Schema, at = "body"): unknown {
  if (schema.examples !== undefined && schema.examples.length > 0) {
    return schema.examples[0];
  }
  if (schema.const !== undefined) {
    return schema.const;
  }
  const first = schema.anyOf?.[0];
  if (first !== undefined) {
    return exampleOf(first, at);
  }
  switch (schema.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) {
        const property = schema.properties?.[key];
        if (property !== undefined) {
          out[key] = exampleOf(property, `${at}/${key}`);
        }
      }
      return out;
    }
    case "array": {
      const item = schema.items;
      const count = schema.minItems ?? 0;
      return item === undefined ? [] : Array.from({ length: count }, () => exampleOf(item, at));
    }
    case "string":
      if (schema.pattern !== undefined) {
        throw new Error(`${at} has a pattern and no examples; give its schema examples`);
      }
      if (schema.format === "date-time") {
        return "2099-01-01T00:00:00Z";
      }
      if (schema.format === "email") {
        return "someone@example.com";
      }
      return "x".repeat(Math.max(1, schema.minLength ?? 1));
    case "integer":
    case "number":
      return schema.minimum ?? 0;
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      throw new Error(`${at} has a schema this example maker does not know; give it examples`);
  }
}
