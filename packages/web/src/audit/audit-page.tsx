import { useEffect, useRef, useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api } from "../api/client.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useAction } from "../components/use-action.js";
import { useApi } from "../api/use-api.js";
import { useFormat } from "../i18n/format.js";
import { AUDIT_ACTIONS, type AuditEvent, type ChainVerdict } from "./audit-types.js";
import "./audit.css";

const PAGE_SIZE = 50;
const FILTERS = ["action", "actor", "resource", "since", "until"] as const;
type Filter = (typeof FILTERS)[number];

/** The API's query for the page the address bar names: its filters and its window. */
function apiQuery(params: URLSearchParams): string {
  const query = new URLSearchParams();
  for (const key of FILTERS) {
    const value = params.get(key);
    if (value !== null && value !== "") {
      query.set(key, value);
    }
  }
  const after = params.get("after");
  const before = params.get("before");
  if (after !== null) {
    query.set("after", after);
    query.set("limit", String(PAGE_SIZE));
  } else if (before !== null) {
    query.set("before", before);
    query.set("limit", String(PAGE_SIZE));
  } else {
    query.set("tail", String(PAGE_SIZE));
  }
  return query.toString();
}

/** An ISO time as a `datetime-local` input holds it, in the browser's time zone. */
function localInput(iso: string | null): string {
  if (iso === null || iso === "") {
    return "";
  }
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) {
    return "";
  }
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(time.getHours())}:${pad(time.getMinutes())}`;
}

/** A `datetime-local` value as an ISO time; empty stays empty. */
function isoOf(local: string): string {
  if (local === "") {
    return "";
  }
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? "" : time.toISOString();
}

/** The filters, kept in the address bar; applied together. */
function Filters() {
  const { t } = useTranslation("audit");
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<Record<Filter, string>>(() => ({
    action: params.get("action") ?? "",
    actor: params.get("actor") ?? "",
    resource: params.get("resource") ?? "",
    since: localInput(params.get("since")),
    until: localInput(params.get("until")),
  }));
  const badRange =
    draft.since !== "" && draft.until !== "" && isoOf(draft.until) <= isoOf(draft.since);
  const set = (key: Filter, value: string) => {
    setDraft({ ...draft, [key]: value });
  };
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (badRange) {
      return;
    }
    const next = new URLSearchParams();
    for (const key of FILTERS) {
      const value = key === "since" || key === "until" ? isoOf(draft[key]) : draft[key].trim();
      if (value !== "") {
        next.set(key, value);
      }
    }
    setParams(next);
  };
  const text = (key: "actor" | "resource") => (
    <div className="field">
      <label htmlFor={`audit-${key}`}>{t(`filters.${key}`)}</label>
      <input
        id={`audit-${key}`}
        value={draft[key]}
        placeholder={t(`filters.${key}Placeholder`)}
        onChange={(event) => {
          set(key, event.target.value);
        }}
      />
    </div>
  );
  const time = (key: "since" | "until") => (
    <div className="field">
      <label htmlFor={`audit-${key}`}>{t(`filters.${key}`)}</label>
      <input
        id={`audit-${key}`}
        type="datetime-local"
        value={draft[key]}
        aria-invalid={key === "until" && badRange}
        aria-describedby={key === "until" && badRange ? "audit-range-problem" : undefined}
        onChange={(event) => {
          set(key, event.target.value);
        }}
      />
    </div>
  );
  return (
    <form
      className="filters audit-filters"
      onSubmit={submit}
      role="search"
      aria-label={t("filters.label")}
      noValidate
    >
      <div className="field">
        <label htmlFor="audit-action">{t("filters.action")}</label>
        <select
          id="audit-action"
          value={draft.action}
          onChange={(event) => {
            set("action", event.target.value);
          }}
        >
          <option value="">{t("filters.anyAction")}</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {action} — {t(`actions.${action}`)}
            </option>
          ))}
        </select>
      </div>
      {text("actor")}
      {text("resource")}
      {time("since")}
      {time("until")}
      <button type="submit" className="primary">
        {t("filters.apply")}
      </button>
      <button
        type="button"
        onClick={() => {
          setDraft({ action: "", actor: "", resource: "", since: "", until: "" });
          setParams(new URLSearchParams());
        }}
      >
        {t("filters.clear")}
      </button>
      {badRange ? (
        <p className="field-error" id="audit-range-problem">
          {t("filters.badRange")}
        </p>
      ) : null}
    </form>
  );
}

/** The chain's verdict, asked for by a button: intact, or the first link that does not hold. */
function VerifyChain() {
  const { t } = useTranslation("audit");
  const format = useFormat();
  const [, setParams] = useSearchParams();
  const [verdict, setVerdict] = useState<ChainVerdict | null>(null);
  const action = useAction();
  return (
    <section className="verify" aria-labelledby="verify-title">
      <h2 id="verify-title">{t("verify.title")}</h2>
      <p className="muted">{t("verify.intro")}</p>
      <button
        type="button"
        className="primary"
        disabled={action.busy}
        onClick={() => {
          setVerdict(null);
          void action.run(async () => {
            setVerdict(await api<ChainVerdict>("/api/audit/verify"));
          });
        }}
      >
        {action.busy ? t("verify.running") : t("verify.button")}
      </button>
      <div role="status" className="verdict-region">
        {verdict?.ok === true ? (
          <p className="verdict intact">
            {t("verify.intact", { count: verdict.events, events: format.number(verdict.events) })}
          </p>
        ) : null}
      </div>
      {verdict !== null && !verdict.ok ? (
        <div className="verdict broken" role="alert">
          <p>
            <strong>{t("verify.broken", { seq: format.number(verdict.brokenAt) })}</strong>{" "}
            {t(`verify.problems.${verdict.problem}`, {
              seq: format.number(verdict.brokenAt),
              defaultValue: verdict.reason,
            })}
          </p>
          <p className="muted">
            {t("verify.verified", { count: verdict.events, events: format.number(verdict.events) })}{" "}
            {t("verify.hubSays", { reason: verdict.reason })}
          </p>
          <button
            type="button"
            onClick={() => {
              setParams(
                new URLSearchParams({
                  after: String(Math.max(verdict.brokenAt - 2, 0)),
                  mark: String(verdict.brokenAt),
                }),
              );
            }}
          >
            {t("verify.show", { seq: format.number(verdict.brokenAt) })}
          </button>
        </div>
      ) : null}
      {action.error !== null ? <ErrorMessage error={action.error} /> : null}
    </section>
  );
}

/** An event's details as one line of JSON. */
function detailsText(details: unknown): string {
  return typeof details === "string" ? details : JSON.stringify(details);
}

function EventRow({ event, marked }: { readonly event: AuditEvent; readonly marked: boolean }) {
  const { t } = useTranslation("audit");
  const format = useFormat();
  const row = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    // The broken link asked for: brought into view, wherever it falls in its page.
    if (marked) {
      row.current?.scrollIntoView({ block: "center" });
    }
  }, [marked]);
  return (
    <tr className={marked ? "marked" : undefined} ref={row}>
      <th scope="row" className="number">
        {event.seq}
        {marked ? <div className="badge broken-badge">{t("table.firstBroken")}</div> : null}
      </th>
      <td>{format.dateTime(event.at)}</td>
      <td>
        {event.actorName ?? <span className="muted">{t("table.unnamed")}</span>}
        {event.actor !== null ? <div className="id">{event.actor}</div> : null}
      </td>
      <td>
        {t(`actions.${event.action}`, { defaultValue: event.action })}
        <div className="id">{event.action}</div>
      </td>
      <td>
        {event.resourceName ?? null}
        <div className="id">{event.resource}</div>
      </td>
      <td>
        <code className="details">{detailsText(event.details)}</code>
      </td>
    </tr>
  );
}

/** The audit log (administrators): filtered and paged as the address bar says, with the chain's verdict. */
export function AuditPage() {
  const { t } = useTranslation("audit");
  const [params, setParams] = useSearchParams();
  const [loaded] = useApi<{ events: AuditEvent[] }>(`/api/audit?${apiQuery(params)}`);
  const paged = params.has("before") || params.has("after");
  const page = (key: "before" | "after" | null, seq?: number) => {
    const next = new URLSearchParams(params);
    next.delete("before");
    next.delete("after");
    next.delete("mark");
    if (key !== null && seq !== undefined) {
      next.set(key, String(seq));
    }
    setParams(next);
  };
  const events = loaded.state === "done" ? [...loaded.body.events].reverse() : [];
  const newest = events[0]?.seq;
  const oldest = events.at(-1)?.seq;
  const full = events.length === PAGE_SIZE;
  const mark = Number(params.get("mark") ?? "NaN");
  return (
    <section className="audit-page">
      <h1>{t("title")}</h1>
      <VerifyChain />
      <h2>{t("table.title")}</h2>
      <Filters key={params.toString()} />
      {loaded.state === "loading" ? <Loading /> : null}
      {loaded.state === "failed" ? <ErrorMessage error={loaded.error} /> : null}
      {loaded.state === "done" ? (
        events.length === 0 ? (
          <p>{t("table.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="audit-events">
              <caption>
                {t("table.caption", {
                  count: events.length,
                  from: oldest ?? 0,
                  to: newest ?? 0,
                })}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="number">
                    {t("table.seq")}
                  </th>
                  <th scope="col">{t("table.at")}</th>
                  <th scope="col">{t("table.actor")}</th>
                  <th scope="col">{t("table.action")}</th>
                  <th scope="col">{t("table.resource")}</th>
                  <th scope="col">{t("table.details")}</th>
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <EventRow key={event.seq} event={event} marked={event.seq === mark} />
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      <nav className="pager" aria-label={t("pager.label")}>
        {paged ? (
          <button
            type="button"
            onClick={() => {
              page(null);
            }}
          >
            {t("pager.newest")}
          </button>
        ) : null}
        {paged && newest !== undefined && (params.has("before") || full) ? (
          <button
            type="button"
            onClick={() => {
              page("after", newest);
            }}
          >
            {t("pager.newer")}
          </button>
        ) : null}
        {oldest !== undefined && oldest > 1 && (full || params.has("after")) ? (
          <button
            type="button"
            onClick={() => {
              page("before", oldest);
            }}
          >
            {t("pager.older")}
          </button>
        ) : null}
      </nav>
    </section>
  );
}
