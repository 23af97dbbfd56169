import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { VegaPlot } from "../transparency/vega-plot.js";
import { callsSpec, latencySpec } from "./usage-specs.js";
import type { UsagePeriod, UsageSeries } from "./usage-types.js";
import "./usage.css";

const PERIODS: readonly UsagePeriod[] = ["hour", "day"];

/** The window each choice shows: the hub's default for its period (a day of hours, 30 days). */
const periodOf = (text: string | null): UsagePeriod => (text === "day" ? "day" : "hour");

/** Milliseconds with one decimal, in the UI's language. */
function useMs(): (ms: number) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage === "zh" ? "zh-CN" : "en";
  return useMemo(() => {
    const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return (ms) => number.format(ms);
  }, [locale]);
}

/** The totals of the window, as figures a reader takes in at a glance. */
function Totals({ series }: { readonly series: UsageSeries }) {
  const { t } = useTranslation("usage");
  const format = useFormat();
  const ms = useMs();
  const { requests, errors, latencyAvgMs, latencyMaxMs, promptTokens, completionTokens } =
    series.totals;
  // Without calls there is no rate and no latency, rather than 0 of them.
  const none = requests === 0;
  const figures: [string, string, string][] = [
    ["requests", t("totals.requests"), format.number(requests)],
    ["errors", t("totals.errors"), format.number(errors)],
    [
      "error-rate",
      t("totals.errorRate"),
      none ? "—" : t("totals.percent", { value: ms((errors / requests) * 100) }),
    ],
    [
      "latency-avg",
      t("totals.latencyAvg"),
      none ? "—" : t("totals.ms", { value: ms(latencyAvgMs) }),
    ],
    [
      "latency-max",
      t("totals.latencyMax"),
      none ? "—" : t("totals.ms", { value: ms(latencyMaxMs) }),
    ],
    // A language model's tokens; a model without them keeps its figures as they were.
    ...(promptTokens + completionTokens === 0
      ? []
      : ([
          ["prompt-tokens", t("totals.promptTokens"), format.number(promptTokens)],
          ["completion-tokens", t("totals.completionTokens"), format.number(completionTokens)],
        ] as [string, string, string][])),
  ];
  return (
    <dl className="usage-totals">
      {figures.map(([key, label, value]) => (
        <div key={key} data-total={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The two charts of a window with calls: calls and errors, then latency. */
function Charts({ series }: { readonly series: UsageSeries }) {
  const { t } = useTranslation("usage");
  const format = useFormat();
  const time = t(`time.${series.period}`);
  const window = t("window", {
    since: format.dateTime(series.since),
    until: format.dateTime(series.until),
  });
  const calls = useMemo(
    () =>
      callsSpec(series.buckets, series.period, {
        description: t("calls.title"),
        time,
        value: t("calls.axis"),
        first: t("calls.requests"),
        second: t("calls.errors"),
      }),
    [series, t, time],
  );
  const latency = useMemo(
    () =>
      latencySpec(series.buckets, series.period, {
        description: t("latency.title"),
        time,
        value: t("latency.axis"),
        first: t("latency.avg"),
        second: t("latency.max"),
      }),
    [series, t, time],
  );
  const { requests, errors, latencyAvgMs, latencyMaxMs } = series.totals;
  return (
    <>
      <section aria-labelledby="usage-calls">
        <h3 id="usage-calls">{t("calls.title")}</h3>
        <VegaPlot spec={calls} summary={t("calls.summary", { window, requests, errors })} />
      </section>
      <section aria-labelledby="usage-latency">
        <h3 id="usage-latency">{t("latency.title")}</h3>
        <VegaPlot
          spec={latency}
          summary={t("latency.summary", { window, avg: latencyAvgMs, max: latencyMaxMs })}
        />
      </section>
    </>
  );
}

/**
 * Hosted-inference calls over time for the subject `query` names
 * (`model=ns/name` or `org=name`): a choice of window, the totals, and
 * charts of calls, errors and latency. The hub decides who may see them.
 */
export function UsagePanel({ query }: { readonly query: string }) {
  const { t } = useTranslation("usage");
  const [params, setParams] = useSearchParams();
  const period = periodOf(params.get("period"));
  const [loaded] = useApi<UsageSeries>(`/api/usage/series?${query}&period=${period}`);
  return (
    <section className="usage">
      <h2>{t("title")}</h2>
      <fieldset className="usage-period">
        <legend>{t("period.label")}</legend>
        {PERIODS.map((p) => (
          <label key={p}>
            <input
              type="radio"
              name="usage-period"
              value={p}
              checked={period === p}
              onChange={() => {
                setParams(p === "hour" ? {} : { period: p }, { replace: true });
              }}
            />
            {t(`period.${p}`)}
          </label>
        ))}
      </fieldset>
      {loaded.state === "loading" ? (
        <Loading />
      ) : loaded.state === "failed" ? (
        <ErrorMessage error={loaded.error} />
      ) : (
        <>
          <Totals series={loaded.body} />
          {loaded.body.totals.requests === 0 ? (
            <p className="muted usage-empty">{t(`empty.${period}`)}</p>
          ) : (
            <Charts series={loaded.body} />
          )}
        </>
      )}
    </section>
  );
}
