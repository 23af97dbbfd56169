import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TopLevelSpec } from "vega-lite";

/**
 * Draws a Vega-Lite spec as SVG. vega-embed, Vega and Vega-Lite load only
 * when a plot is shown (their own chunk), and expressions run in Vega's
 * interpreter, since the page's Content-Security-Policy forbids eval. The
 * drawing is an image described by `summary`; the page gives the numbers
 * as text beside it.
 */
export function VegaPlot({
  spec,
  summary,
}: {
  readonly spec: TopLevelSpec;
  readonly summary: string;
}) {
  const { t } = useTranslation("transparency");
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const element = container.current;
    if (element === null) {
      return;
    }
    // Read after each await: the component may have gone, or drawn another spec, meanwhile.
    const run: { cancelled: boolean; finalize: (() => void) | null } = {
      cancelled: false,
      finalize: null,
    };
    const gone = () => run.cancelled;
    void Promise.all([import("vega-embed"), import("vega-interpreter")])
      .then(async ([{ default: embed }, { expressionInterpreter }]) => {
        if (gone()) {
          return;
        }
        const result = await embed(element, spec, {
          renderer: "svg",
          actions: false,
          ast: true,
          expr: expressionInterpreter,
        });
        // The SVG is described by the figure around it; screen readers skip the drawing itself.
        element.querySelector("svg")?.setAttribute("aria-hidden", "true");
        if (gone()) {
          result.finalize();
        } else {
          run.finalize = () => {
            result.finalize();
          };
        }
      })
      .catch(() => {
        if (!gone()) {
          setFailed(true);
        }
      });
    return () => {
      run.cancelled = true;
      run.finalize?.();
    };
  }, [spec]);
  return (
    <>
      <div className="plot" role="img" aria-label={summary}>
        <div ref={container} />
      </div>
      {failed ? <p className="muted">{t("plot.failed")}</p> : null}
    </>
  );
}
