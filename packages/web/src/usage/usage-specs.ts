import type { TopLevelSpec } from "vega-lite";
import type { UsageBucket, UsagePeriod } from "./usage-types.js";

/** The words a chart shows, in the UI's language (its title is the heading above it). */
export interface SeriesLabels {
  readonly description: string;
  readonly time: string;
  readonly value: string;
  /** The names of the two lines, first then second. */
  readonly first: string;
  readonly second: string;
}

const BLUE = "#0b5cad";
const RED = "#c62828";

/**
 * Two figures of each bucket over time as a Vega-Lite line chart with a
 * legend, styled like the transparency plots. Hours are shown in the
 * reader's time; days are UTC days, as the hub cuts them, so they are drawn
 * on a UTC scale lest a day land on the one before.
 */
function twoLines(
  buckets: readonly UsageBucket[],
  period: UsagePeriod,
  labels: SeriesLabels,
  pick: (b: UsageBucket) => readonly [number | null, number | null],
  colours: readonly [string, string],
  counts: boolean,
): TopLevelSpec {
  const values = buckets.flatMap((b) => {
    const [first, second] = pick(b);
    return [
      { time: b.bucket, line: labels.first, value: first },
      { time: b.bucket, line: labels.second, value: second },
    ];
  });
  const hourly = period === "hour";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: labels.description,
    width: "container",
    height: 220,
    background: "white",
    config: {
      font: "Helvetica, Arial, sans-serif",
      axis: { labelFontSize: 12, titleFontSize: 12 },
      legend: { labelFontSize: 12, orient: "top", title: null },
    },
    data: { values },
    mark: {
      type: "line",
      point: { size: 24 },
      tooltip: true,
      // A bucket without a figure (no call, so no latency) breaks the line, not drops to 0.
      invalid: "break-paths-show-domains",
    },
    encoding: {
      x: {
        field: "time",
        type: "temporal",
        title: labels.time,
        ...(hourly ? {} : { scale: { type: "utc" } }),
        axis: { format: hourly ? "%H:%M" : "%m-%d", labelOverlap: true },
      },
      y: {
        field: "value",
        type: "quantitative",
        title: labels.value,
        // Calls come whole: no tick at half a call.
        ...(counts ? { axis: { tickMinStep: 1, format: "d" } } : {}),
      },
      color: {
        field: "line",
        type: "nominal",
        scale: { domain: [labels.first, labels.second], range: [...colours] },
      },
    },
  };
}

/** Requests and errors per bucket. */
export const callsSpec = (
  buckets: readonly UsageBucket[],
  period: UsagePeriod,
  labels: SeriesLabels,
): TopLevelSpec =>
  twoLines(buckets, period, labels, (b) => [b.requests, b.errors], [BLUE, RED], true);

/** Average and highest latency per bucket, in milliseconds; none for a bucket without calls. */
export const latencySpec = (
  buckets: readonly UsageBucket[],
  period: UsagePeriod,
  labels: SeriesLabels,
): TopLevelSpec =>
  twoLines(
    buckets,
    period,
    labels,
    (b) => (b.requests === 0 ? [null, null] : [b.latencyAvgMs, b.latencyMaxMs]),
    [BLUE, "#8250df"],
    false,
  );
