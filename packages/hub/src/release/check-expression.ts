import type { parse } from "@bufbuild/cel";
import {
  BOOL,
  BYTES,
  DOUBLE,
  DURATION,
  DYN,
  INT,
  NULL,
  STRING,
  TIMESTAMP,
  TYPE,
  UINT,
  listOf,
  shapeName,
  type CelShape,
} from "./cel-types.js";

type Expr = NonNullable<ReturnType<typeof parse>["expr"]>;

/** A type error found in a rule's expression before it ever runs. */
export class CelTypeError extends Error {}

type Scope = ReadonlyMap<string, CelShape>;

const fail = (message: string): never => {
  throw new CelTypeError(message);
};

/** The shape without its `or null`: a field that may be null is read as its value. */
function bare(s: CelShape): CelShape {
  return s.kind === "nullable" ? s.of : s;
}

const NUMERIC = new Set(["int", "uint", "double"]);

/** The family two values must share to be compared: numbers compare across int, uint and double. */
function family(s: CelShape): string {
  const b = bare(s);
  if (NUMERIC.has(b.kind)) {
    return "number";
  }
  return b.kind === "object" ? "map" : b.kind;
}

const isLoose = (s: CelShape): boolean => s.kind === "dyn" || s.kind === "null";

function assertComparable(op: string, a: CelShape, b: CelShape): void {
  if (isLoose(bare(a)) || isLoose(bare(b))) {
    return;
  }
  if (family(a) !== family(b)) {
    fail(`${op} compares a ${shapeName(a)} with a ${shapeName(b)}; they can never be equal`);
  }
}

/** A string literal compared with (or looked up in) a field of known values must be one of them. */
function assertKnownValue(known: CelShape, literal: Expr): void {
  const k = bare(known);
  if (k.kind !== "string" || k.values === undefined) {
    return;
  }
  const c = literal.exprKind;
  if (c.case === "constExpr" && c.value.constantKind.case === "stringValue") {
    const v = c.value.constantKind.value;
    if (!k.values.includes(v)) {
      fail(`'${v}' is not a ${k.what ?? "value"} (one of ${k.values.join(", ")})`);
    }
  }
  if (c.case === "listExpr") {
    for (const e of c.value.elements) {
      assertKnownValue(known, e);
    }
  }
}

function assertBool(what: string, s: CelShape): void {
  const b = bare(s);
  if (b.kind !== "bool" && b.kind !== "dyn") {
    fail(`${what} must be true or false, not a ${shapeName(s)}`);
  }
}

/** Result shapes of the standard functions and methods Gatehouse's CEL environment provides. */
const FUNCTIONS: ReadonlyMap<string, CelShape> = new Map([
  ["size", INT],
  ["contains", BOOL],
  ["startsWith", BOOL],
  ["endsWith", BOOL],
  ["matches", BOOL],
  ["int", INT],
  ["uint", UINT],
  ["double", DOUBLE],
  ["string", STRING],
  ["bool", BOOL],
  ["bytes", BYTES],
  ["dyn", DYN],
  ["type", TYPE],
  ["timestamp", TIMESTAMP],
  ["duration", DURATION],
  ["getFullYear", INT],
  ["getMonth", INT],
  ["getDate", INT],
  ["getDayOfMonth", INT],
  ["getDayOfWeek", INT],
  ["getDayOfYear", INT],
  ["getHours", INT],
  ["getMinutes", INT],
  ["getSeconds", INT],
  ["getMilliseconds", INT],
]);

function arithmetic(op: string, a: CelShape, b: CelShape): CelShape {
  const x = bare(a);
  const y = bare(b);
  if (x.kind === "dyn" || y.kind === "dyn") {
    return DYN;
  }
  const fx = family(x);
  const fy = family(y);
  if (fx === "number" && fy === "number") {
    if (x.kind !== y.kind) {
      // CEL has no implicit conversion in arithmetic: 1 + 2.0 is an error.
      fail(
        `${op} needs two numbers of one type, not ${shapeName(x)} and ${shapeName(y)}; convert one with double() or int()`,
      );
    }
    return x;
  }
  if (op === "+") {
    if (fx === "string" && fy === "string") {
      return STRING;
    }
    if (x.kind === "list" && y.kind === "list") {
      return listOf(y.elem.kind === "dyn" ? x.elem : y.elem);
    }
    if ((fx === "timestamp" && fy === "duration") || (fx === "duration" && fy === "timestamp")) {
      return TIMESTAMP;
    }
    if (fx === "duration" && fy === "duration") {
      return DURATION;
    }
  }
  if (op === "-") {
    if (fx === "timestamp" && fy === "timestamp") {
      return DURATION;
    }
    if (fx === "timestamp" && fy === "duration") {
      return TIMESTAMP;
    }
    if (fx === "duration" && fy === "duration") {
      return DURATION;
    }
  }
  return fail(`${op} is not defined for ${shapeName(x)} and ${shapeName(y)}`);
}

function select(operand: CelShape, field: string): CelShape {
  const o = bare(operand);
  switch (o.kind) {
    case "object": {
      const f = o.fields[field];
      if (f === undefined) {
        return fail(
          `${o.name} has no field '${field}' (its fields: ${Object.keys(o.fields).join(", ")})`,
        );
      }
      return f;
    }
    case "map":
      return o.value;
    case "dyn":
      return DYN;
    default:
      return fail(`'.${field}' reads a field of a ${shapeName(o)}, which has none`);
  }
}

function constant(e: Extract<Expr["exprKind"], { case: "constExpr" }>["value"]): CelShape {
  switch (e.constantKind.case) {
    case "nullValue":
      return NULL;
    case "boolValue":
      return BOOL;
    case "int64Value":
      return INT;
    case "uint64Value":
      return UINT;
    case "doubleValue":
      return DOUBLE;
    case "stringValue":
      return STRING;
    case "bytesValue":
      return BYTES;
    case "durationValue":
      return DURATION;
    case "timestampValue":
      return TIMESTAMP;
    default:
      return DYN;
  }
}

function call(e: Extract<Expr["exprKind"], { case: "callExpr" }>["value"], scope: Scope): CelShape {
  const args = e.args.map((a) => shapeOf(a, scope));
  const target = e.target === undefined ? undefined : shapeOf(e.target, scope);
  const [a = DYN, b = DYN, c = DYN] = args;
  const [ea, eb] = e.args;
  switch (e.function) {
    case "_==_":
    case "_!=_":
      assertComparable(e.function === "_==_" ? "==" : "!=", a, b);
      if (ea !== undefined && eb !== undefined) {
        assertKnownValue(a, eb);
        assertKnownValue(b, ea);
      }
      return BOOL;
    case "_<_":
    case "_<=_":
    case "_>_":
    case "_>=_": {
      const op = e.function.slice(1, -1);
      assertComparable(op, a, b);
      const f = family(a);
      if (
        !isLoose(bare(a)) &&
        !["number", "string", "timestamp", "duration", "bytes", "bool"].includes(f)
      ) {
        fail(`${op} cannot order values of type ${shapeName(a)}`);
      }
      return BOOL;
    }
    case "_&&_":
    case "_||_":
      assertBool(`each side of ${e.function.slice(1, -1)}`, a);
      assertBool(`each side of ${e.function.slice(1, -1)}`, b);
      return BOOL;
    case "!_":
      assertBool("the operand of !", a);
      return BOOL;
    case "@not_strictly_false":
      return BOOL;
    case "_?_:_":
      assertBool("the condition of ?:", a);
      return family(b) === family(c) ? b : DYN;
    case "-_": {
      const f = family(a);
      if (!isLoose(bare(a)) && f !== "number" && f !== "duration") {
        fail(`unary - is not defined for ${shapeName(a)}`);
      }
      return bare(a);
    }
    case "_+_":
    case "_-_":
    case "_*_":
    case "_/_":
    case "_%_":
      return arithmetic(e.function.slice(1, -1), a, b);
    case "_[_]": {
      const o = bare(a);
      if (o.kind === "list") {
        return o.elem;
      }
      if (o.kind === "map") {
        return o.value;
      }
      if (o.kind === "object" && eb?.exprKind.case === "constExpr") {
        const k = eb.exprKind.value.constantKind;
        if (k.case === "stringValue") {
          return select(o, k.value);
        }
      }
      if (o.kind === "dyn" || o.kind === "object") {
        return DYN;
      }
      return fail(`[ ] cannot index a ${shapeName(o)}`);
    }
    case "@in": {
      const container = bare(b);
      if (container.kind === "list") {
        assertComparable("in", a, container.elem);
        if (ea !== undefined && eb !== undefined) {
          assertKnownValue(container.elem, ea);
          assertKnownValue(a, eb);
        }
      } else if (
        container.kind !== "map" &&
        container.kind !== "object" &&
        container.kind !== "dyn"
      ) {
        fail(`in needs a list or a map on its right, not a ${shapeName(container)}`);
      }
      return BOOL;
    }
    default: {
      const result = FUNCTIONS.get(e.function);
      if (result === undefined) {
        return fail(`unknown function '${e.function}'`);
      }
      if (e.function === "size") {
        const arg = bare(target ?? a);
        if (!["list", "map", "string", "bytes", "dyn", "object"].includes(arg.kind)) {
          fail(`size() needs a list, map or string, not a ${shapeName(arg)}`);
        }
      }
      return result;
    }
  }
}

function shapeOf(e: Expr, scope: Scope): CelShape {
  const k = e.exprKind;
  switch (k.case) {
    case "constExpr":
      return constant(k.value);
    case "identExpr": {
      const s = scope.get(k.value.name);
      return s ?? fail(`unknown variable '${k.value.name}'`);
    }
    case "selectExpr": {
      const { operand, field, testOnly } = k.value;
      const o = operand === undefined ? DYN : shapeOf(operand, scope);
      const s = select(o, field);
      return testOnly ? BOOL : s;
    }
    case "callExpr":
      return call(k.value, scope);
    case "listExpr": {
      const elems = k.value.elements.map((x) => shapeOf(x, scope));
      const first = elems[0];
      return listOf(
        first !== undefined && elems.every((x) => family(x) === family(first)) ? first : DYN,
      );
    }
    case "structExpr":
      for (const entry of k.value.entries) {
        if (entry.value !== undefined) {
          shapeOf(entry.value, scope);
        }
      }
      return k.value.messageName === "" ? { kind: "map", value: DYN } : DYN;
    case "comprehensionExpr": {
      const c = k.value;
      const range = c.iterRange === undefined ? DYN : bare(shapeOf(c.iterRange, scope));
      let iter: CelShape;
      if (range.kind === "list") {
        iter = range.elem;
      } else if (range.kind === "map" || range.kind === "object") {
        iter = STRING;
      } else if (range.kind === "dyn") {
        iter = DYN;
      } else {
        return fail(`a macro such as exists() needs a list or a map, not a ${shapeName(range)}`);
      }
      const init = c.accuInit === undefined ? DYN : shapeOf(c.accuInit, scope);
      const accu = init.kind === "list" ? listOf(DYN) : init;
      const inner = new Map(scope);
      inner.set(c.iterVar, iter);
      if (c.iterVar2 !== "") {
        inner.set(c.iterVar2, DYN);
      }
      inner.set(c.accuVar, accu);
      if (c.loopCondition !== undefined) {
        shapeOf(c.loopCondition, inner);
      }
      if (c.loopStep !== undefined) {
        shapeOf(c.loopStep, inner);
      }
      return c.result === undefined ? DYN : shapeOf(c.result, inner);
    }
    default:
      return DYN;
  }
}

/**
 * Checks a parsed CEL expression against the shapes of its variables and
 * returns the shape of its value; throws a CelTypeError naming the first
 * problem: an unknown variable, field or function, a comparison that can never
 * hold (`transition.to == 1`), or a misspelt stage or tier (`'opne'`).
 */
export function checkExpression(
  expr: Expr,
  variables: Readonly<Record<string, CelShape>>,
): CelShape {
  return shapeOf(expr, new Map(Object.entries(variables)));
}
