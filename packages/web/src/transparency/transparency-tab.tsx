import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { seg } from "../api/client.js";
import type { VersionList } from "../api/types.js";
import { useApi } from "../api/use-api.js";
import { RiskBadge, StageBadge } from "../components/badges.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { useModel } from "../model/model-context.js";
import { ReleaseTimeline } from "./release-timeline.js";
import { hasPlottable, metricBarsSpec } from "./metric-bars-spec.js";
import {
  isTombstone,
  type Audience,
  type Evaluation,
  type Tombstone,
  type TransparencyReport,
  type TransparencyAnswer,
} from "./transparency-types.js";
import { VegaPlot } from "./vega-plot.js";
import "./transparency.css";

/** A list joined the way the UI's language joins one ("a, b and c"; "a、b和c"). */
function useJoin(): (items: readonly string[]) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage === "zh" ? "zh-CN" : "en";
  return useMemo(() => {
    const list = new Intl.ListFormat(locale, { type: "conjunction" });
    return (items) => list.format(items);
  }, [locale]);
}

/** A number as a metric shows it: up to four decimals. */
function useMetricFormat(): (value: number | null) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage === "zh" ? "zh-CN" : "en";
  return useMemo(() => {
    const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 4 });
    return (value) => (value === null ? "—" : number.format(value));
  }, [locale]);
}

function ProvenanceBadge({ provenance }: { readonly provenance: string }) {
  const { t } = useTranslation("transparency");
  return (
    <span className={`badge provenance-${provenance}`}>
      {t(`provenance.${provenance}`, { defaultValue: provenance })}
    </span>
  );
}

function StaleBadge({ stale }: { readonly stale: boolean }) {
  const { t } = useTranslation("transparency");
  return stale ? (
    <span className="badge stale">{t("evidence.stale")}</span>
  ) : (
    <span className="badge fresh">{t("evidence.fresh")}</span>
  );
}

/** One evaluation report: its plot, and the same numbers as a table. */
function EvaluationFigure({ evaluation }: { readonly evaluation: Evaluation }) {
  const { t } = useTranslation("transparency");
  const format = useFormat();
  const metric = useMetricFormat();
  const entries = Object.entries(evaluation.metrics);
  const on =
    evaluation.dataset === null
      ? ""
      : evaluation.split === null
        ? evaluation.dataset
        : `${evaluation.dataset} / ${evaluation.split}`;
  const title = on === "" ? t("strengths.report") : t("strengths.reportOn", { on });
  const spec = useMemo(
    () =>
      metricBarsSpec(evaluation.metrics, {
        description: evaluation.summary,
        metric: t("strengths.metric"),
        value: t("strengths.value"),
      }),
    [evaluation, t],
  );
  const summary = t("strengths.plotSummary", {
    title,
    values: entries.map(([name, value]) => `${name} ${metric(value)}`).join(", "),
  });
  return (
    <article className="evaluation">
      <h4>{title}</h4>
      <p>{evaluation.summary}</p>
      <p className="badges">
        <ProvenanceBadge provenance={evaluation.provenance} />
        <StaleBadge stale={evaluation.stale} />
        <span className="badge">
          {t("evidence.made", { at: format.date(evaluation.createdAt) })}
        </span>
      </p>
      <div className="evaluation-body">
        {hasPlottable(evaluation.metrics) ? <VegaPlot spec={spec} summary={summary} /> : null}
        <table className="metrics">
          <caption>{t("strengths.tableOf", { title })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("strengths.metric")}</th>
              <th scope="col" className="number">
                {t("strengths.value")}
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className="number">{metric(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

/** The card's `model-index` results (Hugging Face format), as one table. */
function ModelIndex({ index }: { readonly index: unknown }) {
  const { t } = useTranslation("transparency");
  const metric = useMetricFormat();
  const rows: { task: string; dataset: string; metric: string; value: string }[] = [];
  const text = (v: unknown): string => (typeof v === "string" ? v : "");
  for (const entry of Array.isArray(index) ? (index as unknown[]) : []) {
    const results = (entry as { results?: unknown }).results;
    for (const result of Array.isArray(results) ? (results as unknown[]) : []) {
      const r = result as {
        task?: { name?: unknown; type?: unknown };
        dataset?: { name?: unknown; type?: unknown };
        metrics?: unknown;
      };
      for (const m of Array.isArray(r.metrics) ? (r.metrics as unknown[]) : []) {
        const one = m as { name?: unknown; type?: unknown; value?: unknown };
        rows.push({
          task: text(r.task?.name) || text(r.task?.type),
          dataset: text(r.dataset?.name) || text(r.dataset?.type),
          metric: text(one.name) || text(one.type),
          value: typeof one.value === "number" ? metric(one.value) : text(one.value),
        });
      }
    }
  }
  if (rows.length === 0) {
    return null;
  }
  return (
    <table>
      <caption>{t("strengths.modelIndex")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("strengths.task")}</th>
          <th scope="col">{t("strengths.dataset")}</th>
          <th scope="col">{t("strengths.metric")}</th>
          <th scope="col" className="number">
            {t("strengths.value")}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            <td>{row.task}</td>
            <td>{row.dataset}</td>
            <th scope="row">{row.metric}</th>
            <td className="number">{row.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Strengths({ report }: { readonly report: TransparencyReport }) {
  const { t } = useTranslation("transparency");
  const { evaluations, modelIndex } = report.strengths;
  return (
    <section aria-labelledby="strengths">
      <h3 id="strengths">{t("strengths.title")}</h3>
      {evaluations.length === 0 ? <p className="muted">{t("strengths.none")}</p> : null}
      {evaluations.map((e) => (
        <EvaluationFigure key={e.id} evaluation={e} />
      ))}
      <ModelIndex index={modelIndex} />
    </section>
  );
}

function TextList({ title, items }: { readonly title: string; readonly items: readonly string[] }) {
  const { t } = useTranslation("transparency");
  return (
    <div>
      <h4>{title}</h4>
      {items.length === 0 ? (
        <p className="muted">{t("risks.noneDeclared")}</p>
      ) : (
        <ul>
          {items.map((item, i) => (
            <li key={i}>{item}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Risks({ report }: { readonly report: TransparencyReport }) {
  const { t } = useTranslation("transparency");
  const { risks } = report;
  return (
    <section aria-labelledby="risks">
      <h3 id="risks">{t("risks.title")}</h3>
      <div className="columns">
        <TextList title={t("risks.intended")} items={risks.intendedUses} />
        <TextList title={t("risks.prohibited")} items={risks.prohibitedUses} />
        <TextList title={t("risks.limitations")} items={risks.limitations} />
      </div>
      {risks.findings.length > 0 ? (
        <>
          <h4>{t("risks.findings")}</h4>
          <ul>
            {risks.findings.map((f, i) => (
              <li key={i}>
                <strong>{t(`kinds.${f.kind}`, { defaultValue: f.kind })}:</strong>{" "}
                {typeof f.finding === "string" ? f.finding : JSON.stringify(f.finding)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function Restrictions({ report }: { readonly report: TransparencyReport }) {
  const { t } = useTranslation("transparency");
  const join = useJoin();
  const { licence, audience } = report.restrictions;
  const who = (codes: readonly Audience[]) =>
    join(codes.map((c) => t(`audience.${c}`, { defaultValue: c })));
  return (
    <section aria-labelledby="restrictions">
      <h3 id="restrictions">{t("restrictions.title")}</h3>
      <dl className="facts">
        <dt>{t("restrictions.licence")}</dt>
        <dd>
          {licence === null
            ? t("restrictions.noLicence")
            : "unresolved" in licence
              ? t("restrictions.unresolved", { reason: licence.unresolved })
              : `${licence.name} (${licence.id})`}
        </dd>
        {licence !== null && !("unresolved" in licence) ? (
          <>
            <dt>{t("restrictions.commercial")}</dt>
            <dd>{licence.commercialUse ? t("restrictions.yes") : t("restrictions.no")}</dd>
            <dt>{t("restrictions.useRestrictions")}</dt>
            <dd>
              {licence.useRestrictions.length === 0
                ? t("restrictions.none")
                : join(licence.useRestrictions)}
            </dd>
            {licence.noticeRequired ? (
              <>
                <dt>{t("restrictions.notice")}</dt>
                <dd>{t("restrictions.noticeRequired")}</dd>
              </>
            ) : null}
          </>
        ) : null}
        <dt>{t("restrictions.stage")}</dt>
        <dd>
          <StageBadge stage={report.restrictions.stage} />
        </dd>
        <dt>{t("restrictions.see")}</dt>
        <dd>{who(audience.see)}</dd>
        <dt>{t("restrictions.download")}</dt>
        <dd>{who(audience.download)}</dd>
        <dt>{t("restrictions.call")}</dt>
        <dd>{who(audience.call)}</dd>
      </dl>
    </section>
  );
}

function Evidence({ report }: { readonly report: TransparencyReport }) {
  const { t } = useTranslation("transparency");
  const format = useFormat();
  return (
    <section aria-labelledby="evidence">
      <h3 id="evidence">{t("evidence.title")}</h3>
      {report.evidence.length === 0 ? (
        <p className="muted">{t("evidence.none")}</p>
      ) : (
        <table className="evidence">
          <thead>
            <tr>
              <th scope="col">{t("evidence.kind")}</th>
              <th scope="col">{t("evidence.summary")}</th>
              <th scope="col">{t("evidence.provenance")}</th>
              <th scope="col">{t("evidence.verdict")}</th>
              <th scope="col">{t("evidence.createdAt")}</th>
              <th scope="col">{t("evidence.freshness")}</th>
            </tr>
          </thead>
          <tbody>
            {report.evidence.map((e) => (
              <tr key={e.id}>
                <th scope="row">{t(`kinds.${e.kind}`, { defaultValue: e.kind })}</th>
                <td>{e.summary}</td>
                <td>
                  <ProvenanceBadge provenance={e.provenance} />
                </td>
                <td>
                  {e.passed === null
                    ? t("evidence.measured")
                    : e.passed
                      ? t("evidence.passed")
                      : t("evidence.failed")}
                </td>
                <td>{format.date(e.createdAt)}</td>
                <td>
                  <StaleBadge stale={e.stale} />
                  {e.staleReasons.length > 0 ? (
                    <ul className="reasons">
                      {e.staleReasons.map((r, i) => (
                        <li key={i}>{r}</li>
                      ))}
                    </ul>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">{t("evidence.provenanceHint")}</p>
    </section>
  );
}

/** A model's page, by `namespace/name`; the version after `@` is a version of it. */
function modelLink(model: string): string {
  return `/${model.split("/").map(seg).join("/")}`;
}

function Lineage({ report }: { readonly report: TransparencyReport }) {
  const { t } = useTranslation("transparency");
  const relation = (r: string) => t(`relations.${r}`, { defaultValue: r });
  return (
    <section aria-labelledby="lineage">
      <h3 id="lineage">{t("lineage.title")}</h3>
      <div className="columns">
        <div>
          <h4>{t("lineage.bases")}</h4>
          {report.lineage.length === 0 ? (
            <p className="muted">{t("lineage.noBases")}</p>
          ) : (
            <ul>
              {report.lineage.map((b) => (
                <li key={b.model}>
                  <Link to={modelLink(b.model)}>
                    {b.model}
                    {b.version !== null ? `@${b.version}` : ""}
                  </Link>{" "}
                  <span className="muted">({relation(b.relation)})</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h4>{t("lineage.derived")}</h4>
          {report.derived.length === 0 ? (
            <p className="muted">{t("lineage.noDerived")}</p>
          ) : (
            <ul>
              {report.derived.map((d) => (
                <li key={d.model}>
                  <Link to={modelLink(d.model)}>
                    {d.model}@{d.version}
                  </Link>{" "}
                  <span className="muted">({relation(d.relation)})</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}

function TombstoneView({ tombstone }: { readonly tombstone: Tombstone }) {
  const { t } = useTranslation("transparency");
  const format = useFormat();
  return (
    <section className="tombstone" aria-labelledby="tombstone">
      <h2 id="tombstone">{t("tombstone.title", { version: tombstone.version })}</h2>
      <dl className="facts">
        <dt>{t("tombstone.name")}</dt>
        <dd>
          {tombstone.model}@{tombstone.version}
        </dd>
        <dt>{t("tombstone.reason")}</dt>
        <dd>{tombstone.reason ?? t("tombstone.noReason")}</dd>
        <dt>{t("tombstone.date")}</dt>
        <dd>{format.dateTime(tombstone.withdrawnAt)}</dd>
      </dl>
      <p className="muted">{t("tombstone.note")}</p>
    </section>
  );
}

/** Which version the report is about: every published version the user sees, newest first. */
function VersionPicker({ chosen }: { readonly chosen: string | undefined }) {
  const { t } = useTranslation("transparency");
  const { apiBase } = useModel();
  const [params, setParams] = useSearchParams();
  const [loaded] = useApi<VersionList>(`/api/models/${apiBase}/versions`);
  if (loaded.state !== "done") {
    return null;
  }
  const versions = [...loaded.body.versions].filter((v) => v.state !== "draft").reverse();
  if (versions.length < 2 && chosen !== undefined) {
    return null;
  }
  return (
    <div className="field version-picker">
      <label htmlFor="transparency-version">{t("version")}</label>
      <select
        id="transparency-version"
        value={chosen ?? ""}
        onChange={(event) => {
          const next = new URLSearchParams(params);
          next.set("version", event.target.value);
          setParams(next);
        }}
      >
        {chosen === undefined ? <option value="">{t("chooseVersion")}</option> : null}
        {versions.map((v) => (
          <option key={v.name} value={v.name}>
            {v.name} · {t(`common:stage.${v.stage ?? "private"}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The transparency report of a version (the newest the user sees, or the one
 * in `?version=`): strengths with plots, risks, restrictions, evidence,
 * lineage and release history; a withdrawn version shows its tombstone.
 */
export function TransparencyTab() {
  const { t } = useTranslation("transparency");
  const { apiBase, info } = useModel();
  const [params] = useSearchParams();
  const chosen = params.get("version") ?? info.gatehouse.version;
  const [loaded] = useApi<TransparencyAnswer>(
    chosen === undefined
      ? null
      : `/api/models/${apiBase}/transparency?version=${encodeURIComponent(chosen)}`,
  );
  return (
    <div className="transparency">
      <VersionPicker chosen={chosen} />
      {chosen === undefined ? <p className="muted">{t("noVersion")}</p> : null}
      {chosen !== undefined && loaded.state === "loading" ? <Loading /> : null}
      {loaded.state === "failed" ? <ErrorMessage error={loaded.error} /> : null}
      {loaded.state === "done" ? (
        isTombstone(loaded.body) ? (
          <TombstoneView tombstone={loaded.body} />
        ) : (
          <Report report={loaded.body} />
        )
      ) : null}
    </div>
  );
}

function Report({ report }: { readonly report: TransparencyReport }) {
  const { t } = useTranslation("transparency");
  return (
    <>
      <h2>{t("title", { version: report.version })}</h2>
      <p className="badges">
        <StageBadge stage={report.stage} />
        <RiskBadge tier={report.riskTier} />
      </p>
      <Strengths report={report} />
      <Risks report={report} />
      <Restrictions report={report} />
      <Evidence report={report} />
      <Lineage report={report} />
      <ReleaseTimeline history={report.history} />
    </>
  );
}
