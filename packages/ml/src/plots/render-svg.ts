import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * Vega measures text with a canvas when a canvas package is installed, which would tie the
 * layout (and so the bytes) to the machine's fonts; its character-count estimate does not.
 * `textMetrics` is exported by Vega but missing from its type definitions.
 */
function useEstimatedTextWidths(): void {
  const metrics: unknown = Reflect.get(vega, "textMetrics");
  const canvas: unknown =
    typeof metrics === "object" && metrics !== null ? Reflect.get(metrics, "canvas") : undefined;
  if (typeof canvas === "function") {
    (canvas as (use: boolean) => void)(false);
  }
}

/**
 * Renders a Vega-Lite spec to an SVG document, headless (no browser, no canvas package).
 * The same spec gives the same bytes on every machine.
 *
 * @example const svg = await renderVegaLiteSvg(rocCurveSpec({ curves }));
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  useEstimatedTextWidths();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
