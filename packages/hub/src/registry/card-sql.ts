import { sql, type RawBuilder, type SqlBool } from "kysely";
import type { Store } from "../store/index.js";
import { RISK_TIERS } from "./model-card.js";

/**
 * Questions about a version's stored card (`versions.card`, the parsed front
 * matter kept as JSON at publication) asked in SQL, so that a list filters,
 * sorts and counts in the database instead of reading every card. SQLite and
 * PostgreSQL spell JSON differently, hence one builder per dialect.
 */
export interface CardSql {
  /**
   * Whether the card's `field`, a string or a list of strings (`tags`,
   * `license`), holds a string that `matches` accepts.
   */
  has(
    field: CardListField,
    matches: (value: RawBuilder<string>) => RawBuilder<SqlBool>,
  ): RawBuilder<SqlBool>;
  /**
   * A FROM item giving the strings of the card's `field`, one row each, named
   * `alias`, with the text of each as `value`; for counts over many cards.
   */
  strings(
    field: CardListField,
    alias: string,
  ): { from: RawBuilder<unknown>; value: RawBuilder<string> };
  /**
   * The rank in RISK_TIERS (0 `minimal` … 3 `systemic`) of the tier in force:
   * the highest of the card's `risk_tier`, the reviewer's tier and `systemic`
   * for a `training_compute_flops` of 10^25 or more, as the release folder's
   * riskTierOf decides it, with the reviewer's tier in the column `reviewed`.
   */
  riskRank(reviewed: string): RawBuilder<number>;
}

/** The card fields that hold a string or a list of strings and are asked about. */
export type CardListField = "tags" | "license";

/** Training compute from which a model is presumed systemic (EU AI Act, Art 51(2)); release's SYSTEMIC_COMPUTE_FLOPS. */
const SYSTEMIC_FLOPS = sql.raw("1e25");
/** The largest finite double: a larger decimal reads as Infinity, which riskTierOf refuses as no figure. */
const MAX_DOUBLE = sql.raw("1.7976931348623157e308");
/** What JavaScript's String.prototype.trim removes, as riskTierOf trims a figure given as text. */
const JS_WHITESPACE =
  " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
/**
 * Figures given as text longer than this are taken as no figure. riskTierOf
 * has no such bound, but PostgreSQL's numeric refuses values beyond its range
 * and would fail the whole list; no real figure is this long.
 */
const MAX_FIGURE_CHARS = 1000;

const rankOf = (tier: RawBuilder<unknown>): RawBuilder<number> =>
  sql<number>`case ${tier} ${sql.join(
    RISK_TIERS.map((t, i) => sql`when ${sql.lit(t)} then ${sql.lit(i)}`),
    sql` `,
  )} else 0 end`;

function sqliteCard(card: RawBuilder<string | null>): CardSql {
  const path = (field: string) => sql.lit(`$.${field}`);
  const strings = (field: CardListField, alias: string) => ({
    from: sql`json_each(${card}, ${path(field)}) as ${sql.id(alias)}`,
    value: sql<string>`${sql.ref(`${alias}.value`)}`,
    isText: sql<SqlBool>`${sql.ref(`${alias}.type`)} = 'text'`,
  });
  return {
    has(field, matches) {
      const s = strings(field, "card_value");
      return sql<SqlBool>`exists (select 1 from ${s.from} where ${s.isText} and ${matches(s.value)})`;
    },
    strings(field, alias) {
      const s = strings(field, alias);
      return { from: s.from, value: sql<string>`(case when ${s.isText} then ${s.value} end)` };
    },
    riskRank(reviewed) {
      // The figure as riskTierOf reads it: a JSON number, or text matching
      // /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/ once trimmed. SQLite has no
      // regular expressions, so the text is split at its `e` and each part
      // checked with GLOB: a mantissa of digits with at most one point and at
      // least one digit, an exponent of digits after at most one sign.
      const figure = sql`json_extract(${card}, '$.training_compute_flops')`;
      const fromText = sql<number | null>`(select case
          when length(f.t) <= ${sql.lit(MAX_FIGURE_CHARS)}
            and f.m glob '*[0-9]*' and f.m not glob '*[^0-9.]*' and f.m not glob '*.*.*'
            and (f.x is null
              or (f.x glob '[0-9]*' and substr(f.x, 2) not glob '*[^0-9]*')
              or (f.x glob '[+-][0-9]*' and substr(f.x, 3) not glob '*[^0-9]*'))
          then cast(f.t as real) end
        from (select u.t,
                case when u.p = 0 then u.t else substr(u.t, 1, u.p - 1) end as m,
                case when u.p = 0 then null else substr(u.t, u.p + 1) end as x
              from (select w.t, instr(lower(w.t), 'e') as p
                    from (select case when substr(s, 1, 1) = '+' then substr(s, 2) else s end as t
                          from (select trim(${figure}, ${JS_WHITESPACE}) as s) v) w) u) f)`;
      const flops = sql`(case json_type(${card}, '$.training_compute_flops')
          when 'integer' then ${figure} when 'real' then ${figure}
          when 'text' then ${fromText} end)`;
      return sql<number>`max(
          ${rankOf(sql`json_extract(${card}, '$.risk_tier')`)},
          ${rankOf(sql.ref(reviewed))},
          case when ${flops} between ${SYSTEMIC_FLOPS} and ${MAX_DOUBLE} then 3 else 0 end)`;
    },
  };
}

function postgresCard(card: RawBuilder<string | null>): CardSql {
  const json = sql`(${card})::jsonb`;
  // A string is a list of one, so both shapes are read alike.
  const list = (field: CardListField) => {
    const value = sql`${json} -> ${sql.lit(field)}`;
    return sql`case jsonb_typeof(${value}) when 'array' then ${value} when 'string' then jsonb_build_array(${value}) else '[]'::jsonb end`;
  };
  const strings = (field: CardListField, alias: string) => ({
    from: sql`jsonb_array_elements(${list(field)}) as ${sql.id(alias)}(${sql.id("value")})`,
    value: sql<string>`(${sql.ref(`${alias}.value`)} #>> '{}')`,
    isText: sql<SqlBool>`jsonb_typeof(${sql.ref(`${alias}.value`)}) = 'string'`,
  });
  return {
    has(field, matches) {
      const s = strings(field, "card_value");
      return sql<SqlBool>`exists (select 1 from ${s.from} where ${s.isText} and ${matches(s.value)})`;
    },
    strings(field, alias) {
      const s = strings(field, alias);
      return { from: s.from, value: sql<string>`(case when ${s.isText} then ${s.value} end)` };
    },
    riskRank(reviewed) {
      const figure = sql`${json} -> 'training_compute_flops'`;
      const text = sql`btrim(${figure} #>> '{}', ${JS_WHITESPACE})`;
      // Exponents beyond four digits read as Infinity or as (nearly) zero in
      // riskTierOf within MAX_FIGURE_CHARS, and would overflow numeric here.
      const flops = sql`(case jsonb_typeof(${figure})
          when 'number' then (${figure} #>> '{}')::numeric
          when 'string' then case when length(${text}) <= ${sql.lit(MAX_FIGURE_CHARS)}
            and ${text} ~ '^[+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?0*[0-9]{1,4})?$'
            then ${text}::numeric end end)`;
      return sql<number>`greatest(
          ${rankOf(sql`${json} ->> 'risk_tier'`)},
          ${rankOf(sql.ref(reviewed))},
          case when ${flops} between ${SYSTEMIC_FLOPS} and ${MAX_DOUBLE} then 3 else 0 end)`;
    },
  };
}

/** {@link CardSql} over the card column `card` of the caller's query, in the store's dialect. */
export function cardSql(store: Pick<Store, "dialect">, card: string): CardSql {
  const ref = sql.ref<string | null>(card);
  return store.dialect === "postgres" ? postgresCard(ref) : sqliteCard(ref);
}
