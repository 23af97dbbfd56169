import type { Config } from "vega-lite";

/** One fixed font, white background and a fixed size, so every plot looks alike. */
export const PLOT_CONFIG: Config = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  view: { continuousWidth: 360, continuousHeight: 360 },
  legend: { labelLimit: 0 },
  axis: { labelLimit: 0 },
};

export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Colour of a reference line (chance, perfect calibration, y = x). */
export const REFERENCE_COLOR = "#888888";
