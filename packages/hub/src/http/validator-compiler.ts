import { Ajv, type Options } from "ajv";
import formatsPlugin from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

const SHARED: Options = { allErrors: false, removeAdditional: false, useDefaults: true };

// ajv-formats is CommonJS; depending on the loader its plugin is the default export or nested in it.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ??
  formatsPlugin) as unknown as (ajv: Ajv) => Ajv;

/**
 * Query strings, path parameters and headers arrive as text, so their
 * validator converts "10" to 10; JSON bodies already carry types, so theirs
 * refuses `{"name": 42}` where a string is wanted instead of quietly accepting it.
 */
export function validatorCompiler(): FastifySchemaCompiler<object> {
  const text = addFormats(new Ajv({ ...SHARED, coerceTypes: "array" }));
  const json = addFormats(new Ajv({ ...SHARED, coerceTypes: false }));
  return ({ schema, httpPart }) => (httpPart === "body" ? json : text).compile(schema);
}
