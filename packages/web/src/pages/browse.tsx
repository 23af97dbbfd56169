import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import type { ModelListEntry } from "../api/types.js";
import { useApi } from "../api/use-api.js";
import { RiskBadge, StageBadge } from "../components/badges.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";

const PAGE_SIZE = 20;

interface Facet {
  readonly value: string;
  readonly count: number;
}

/** GET /api/models-facets: what the models the user may see hold, with counts. */
interface Facets {
  readonly namespaces: readonly Facet[];
  readonly licenses: readonly Facet[];
  readonly tags: readonly Facet[];
}
const STAGES = ["private", "internal", "staged", "api", "gated", "open", "withdrawn"] as const;
const RISK_TIERS = ["minimal", "limited", "high", "systemic"] as const;
const SORTS = ["lastModified", "downloads", "createdAt", "id"] as const;

/**
 * The page's query, kept in the address bar so a search can be shared, as
 * the query of `GET /api/models`.
 */
function apiQuery(params: URLSearchParams): string {
  const query = new URLSearchParams();
  const copy = (from: string, to: string) => {
    const value = params.get(from);
    if (value !== null && value !== "") {
      query.set(to, value);
    }
  };
  copy("q", "search");
  copy("author", "author");
  copy("tag", "filter");
  copy("license", "license");
  copy("stage", "stage");
  copy("risk", "risk_tier");
  copy("cursor", "cursor");
  const sort = params.get("sort") ?? "lastModified";
  query.set("sort", sort);
  query.set("direction", sort === "id" ? "1" : "-1");
  query.set("limit", String(PAGE_SIZE));
  query.set("expand[]", "downloads");
  return query.toString();
}

/** The cursor of the next page, from the `Link: <…>; rel="next"` header. */
function nextCursor(headers: Headers): string | null {
  const link = headers.get("Link");
  const url = link === null ? undefined : /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
  return url === undefined ? null : new URL(url, window.location.origin).searchParams.get("cursor");
}

function Filters() {
  const { t } = useTranslation("browse");
  const [params, setParams] = useSearchParams();
  const [facets] = useApi<Facets>("/api/models-facets");
  const [draft, setDraft] = useState(() => params.get("q") ?? "");
  const choose = (key: string, value: string) => {
    // From the address, not `params`: two choices made before the page renders again must both stay.
    const next = new URLSearchParams(window.location.search);
    if (value === "") {
      next.delete(key);
    } else {
      next.set(key, value);
    }
    next.delete("cursor");
    setParams(next);
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    choose("q", draft.trim());
  };
  const facetSelect = (key: string, label: string, choices: readonly Facet[] | undefined) => {
    const current = params.get(key) ?? "";
    const values = choices ?? [];
    return (
      <div className="field">
        <label htmlFor={`filter-${key}`}>{label}</label>
        <select
          id={`filter-${key}`}
          value={current}
          onChange={(event) => {
            choose(key, event.target.value);
          }}
        >
          <option value="">{t("filters.any")}</option>
          {current !== "" && !values.some((f) => f.value === current) ? (
            <option value={current}>{current}</option>
          ) : null}
          {values.map((f) => (
            <option key={f.value} value={f.value}>
              {t("filters.choice", { value: f.value, count: f.count })}
            </option>
          ))}
        </select>
      </div>
    );
  };
  const shown = facets.state === "done" ? facets.body : null;
  return (
    <form className="filters" onSubmit={submit} role="search" aria-label={t("filters.label")}>
      <div className="field">
        <label htmlFor="filter-q">{t("filters.search")}</label>
        <input
          id="filter-q"
          type="search"
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
          }}
        />
      </div>
      {facetSelect("author", t("filters.author"), shown?.namespaces)}
      {facetSelect("tag", t("filters.tag"), shown?.tags)}
      {facetSelect("license", t("filters.license"), shown?.licenses)}
      <div className="field">
        <label htmlFor="filter-stage">{t("filters.stage")}</label>
        <select
          id="filter-stage"
          value={params.get("stage") ?? ""}
          onChange={(event) => {
            choose("stage", event.target.value);
          }}
        >
          <option value="">{t("filters.any")}</option>
          {STAGES.map((stage) => (
            <option key={stage} value={stage}>
              {t(`common:stage.${stage}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-risk">{t("filters.risk")}</label>
        <select
          id="filter-risk"
          value={params.get("risk") ?? ""}
          onChange={(event) => {
            choose("risk", event.target.value);
          }}
        >
          <option value="">{t("filters.any")}</option>
          {RISK_TIERS.map((tier) => (
            <option key={tier} value={tier}>
              {t(`common:riskTier.${tier}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-sort">{t("filters.sort")}</label>
        <select
          id="filter-sort"
          value={params.get("sort") ?? "lastModified"}
          onChange={(event) => {
            choose("sort", event.target.value);
          }}
        >
          {SORTS.map((sort) => (
            <option key={sort} value={sort}>
              {t(`sort.${sort}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="primary">
        {t("filters.apply")}
      </button>
    </form>
  );
}

function ModelRow({ model }: { readonly model: ModelListEntry }) {
  const { t } = useTranslation("browse");
  const format = useFormat();
  const info = model.gatehouse;
  return (
    <li className="model-row">
      <h2>
        <Link to={`/${model.id}`}>{model.id}</Link>
      </h2>
      <p className="badges">
        <StageBadge stage={info.stage} />
        <RiskBadge tier={info.riskTier} />
        {info.license ? <span className="badge">{info.license}</span> : null}
      </p>
      <p className="muted">
        {t("row", {
          downloads: format.number(model.downloads ?? 0),
          updated: format.dateTime(info.updatedAt ?? model.lastModified),
        })}
      </p>
    </li>
  );
}

/** Every model the user may see, filtered, sorted and paged as the address bar says. */
export function Browse() {
  const { t } = useTranslation("browse");
  const [params, setParams] = useSearchParams();
  const [loaded] = useApi<ModelListEntry[]>(`/api/models?${apiQuery(params)}`);
  const next = loaded.state === "done" ? nextCursor(loaded.headers) : null;
  const laterPage = params.has("cursor");
  const total = loaded.state === "done" ? loaded.headers.get("X-Total-Count") : null;
  return (
    <section>
      <h1>{t("title")}</h1>
      <Filters />
      {total !== null ? (
        <p className="muted" role="status">
          {t("total", { count: Number(total) })}
        </p>
      ) : null}
      {loaded.state === "loading" ? <Loading /> : null}
      {loaded.state === "failed" ? <ErrorMessage error={loaded.error} /> : null}
      {loaded.state === "done" ? (
        loaded.body.length === 0 ? (
          <p>{t("empty")}</p>
        ) : (
          <ul className="model-list">
            {loaded.body.map((model) => (
              <ModelRow key={model.id} model={model} />
            ))}
          </ul>
        )
      ) : null}
      <nav className="pager" aria-label={t("pager.label")}>
        {laterPage ? (
          <button
            type="button"
            onClick={() => {
              const first = new URLSearchParams(params);
              first.delete("cursor");
              setParams(first);
            }}
          >
            {t("pager.first")}
          </button>
        ) : null}
        {next !== null ? (
          <button
            type="button"
            onClick={() => {
              const page = new URLSearchParams(params);
              page.set("cursor", next);
              setParams(page);
            }}
          >
            {t("pager.next")}
          </button>
        ) : null}
      </nav>
    </section>
  );
}
