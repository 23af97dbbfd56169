import { Ajv, type Options } from "ajv";
import formatsPlugin from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";
import { HubError } from "../errors/index.js";

const SHARED: Options = { allErrors: false, removeAdditional: false, useDefaults: true };

// ajv-formats is CommonJS; depending on the loader its plugin is the default export or nested in it.
const addFormats = ((formatsPlugin as unknown as { default?: typeof formatsPlugin }).default ??
  formatsPlugin) as unknown as (ajv: Ajv) => Ajv;

// eslint-disable-next-line no-control-regex -- NUL is exactly what is refused
const NUL_OR_LONE_SURROGATE = /\u0000|\p{Cs}/u;

/** A value met on the walk: its parent's index, its key there, and whether it is that key. */
interface Visited {
  readonly value: unknown;
  readonly parent: number;
  readonly key: string;
  readonly isKey: boolean;
}

/**
 * Where in `value` a string holds a NUL or a lone surrogate, or null. Neither
 * is text a client means: PostgreSQL refuses NUL in text outright, and a lone
 * surrogate cannot be encoded in UTF-8, so both databases would store
 * something else. Walked without recursion, since a JSON body may nest deeply;
 * the place is spelled out only when there is something to refuse.
 */
function badTextAt(value: unknown, root: string): string | null {
  const visited: Visited[] = [{ value, parent: -1, key: root, isKey: false }];
  for (let i = 0; i < visited.length; i += 1) {
    const item = visited[i]?.value;
    if (typeof item === "string") {
      if (NUL_OR_LONE_SURROGATE.test(item)) {
        return placeOf(visited, i, root);
      }
    } else if (typeof item === "object" && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        visited.push(
          { value: key, parent: i, key, isKey: true },
          { value: child, parent: i, key, isKey: false },
        );
      }
    }
  }
  return null;
}

/** `root/a/b` for the value visited at `index`, `root/a key` for a key of `a`. */
function placeOf(visited: readonly Visited[], index: number, root: string): string {
  const isKey = visited[index]?.isKey === true;
  const names: string[] = [];
  let at = isKey ? visited[visited[index]?.parent ?? -1] : visited[index];
  while (at !== undefined && at.parent >= 0) {
    names.unshift(at.key);
    at = visited[at.parent];
  }
  return `${[root, ...names].join("/")}${isKey ? " key" : ""}`;
}

/**
 * Query strings, path parameters and headers arrive as text, so their
 * validator converts "10" to 10; JSON bodies already carry types, so theirs
 * refuses `{"name": 42}` where a string is wanted instead of quietly accepting it.
 * Every string of every part must also be text: no NUL, no lone surrogate.
 */
export function validatorCompiler(): FastifySchemaCompiler<object> {
  const text = addFormats(new Ajv({ ...SHARED, coerceTypes: "array" }));
  const json = addFormats(new Ajv({ ...SHARED, coerceTypes: false }));
  return ({ schema, httpPart }) => {
    const validate = (httpPart === "body" ? json : text).compile(schema);
    const part = httpPart ?? "request";
    const checked = (data: unknown): boolean | { error: HubError } => {
      if (!validate(data)) {
        return false;
      }
      const at = badTextAt(data, part);
      return at === null
        ? true
        : {
            error: new HubError(
              "BAD_REQUEST",
              `${at} holds a NUL character or a lone surrogate, which is not text; remove it`,
            ),
          };
    };
    // Fastify reads a refusal's details from the validator's `errors`, as Ajv leaves them.
    return Object.defineProperty(checked, "errors", { get: () => validate.errors });
  };
}
