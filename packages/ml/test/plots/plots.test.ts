import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  PlotInputError,
  calibrationPlot,
  calibrationSpec,
  confusionMatrixPlot,
  confusionMatrixSpec,
  precisionRecallPlot,
  precisionRecallSpec,
  predictedVsActualPlot,
  predictedVsActualSpec,
  rocCurvePlot,
  rocCurveSpec,
  trainingHistoryPlot,
} from "../../src/plots/index.js";
import { assertWellFormedXml, count, markGroups, texts } from "./svg-inspect.js";

const NASTY = `a<&"b`;
// Vega escapes `"` in attributes only; in element text it may stay as it is.
const NASTY_IN_ATTRIBUTE = "a&lt;&amp;&quot;b";
const NASTY_IN_TEXT = 'a&lt;&amp;"b';

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof PlotInputError && message.test(e.message));
}

describe("the XML check used by these tests", () => {
  it("refuses unescaped text and bad nesting", () => {
    assert.throws(() => {
      assertWellFormedXml("<svg><text>a<&b</text></svg>");
    });
    assert.throws(() => {
      assertWellFormedXml("<svg><g></svg></g>");
    });
    assert.throws(() => {
      assertWellFormedXml('<svg><g aria-label="a"b"/></svg>');
    });
    assertWellFormedXml('<svg a="x &amp; y"><text>1 &lt; 2</text><path d="M0,0"/></svg>');
  });
});

describe("confusionMatrixPlot", () => {
  const matrix = [
    [5, 1, 0],
    [0, 4, 2],
    [1, 0, 7],
  ];
  const labels = [NASTY, "versicolor", "virginica"];

  it("draws one coloured cell and one count per matrix entry, with escaped labels", async () => {
    const svg = await confusionMatrixPlot({ matrix, labels, title: "Iris <test>" });
    assertWellFormedXml(svg);
    const [cells] = markGroups(svg, "cells_marks");
    const [counts] = markGroups(svg, "counts_marks");
    assert.equal(count(cells ?? "", "<path"), 9);
    assert.deepEqual(texts(counts ?? "").map(Number), matrix.flat());
    assert.ok(svg.includes(NASTY_IN_ATTRIBUTE));
    assert.ok(texts(svg).includes(NASTY_IN_TEXT));
    assert.ok(!svg.includes("a<&"));
    assert.ok(texts(svg).includes("Iris &lt;test&gt;"));
    assert.ok(texts(svg).includes("versicolor"));
  });

  it("writes fractions with two decimals when normalized", async () => {
    const svg = await confusionMatrixPlot({
      matrix: [
        [0.75, 0.25],
        [0.1, 0.9],
      ],
      labels: ["no", "yes"],
      normalized: true,
    });
    const [counts] = markGroups(svg, "counts_marks");
    assert.deepEqual(texts(counts ?? ""), ["0.75", "0.25", "0.10", "0.90"]);
  });

  it("keeps the rows and columns in the order of the labels", () => {
    const spec = confusionMatrixSpec({ matrix, labels });
    const encoding = "encoding" in spec ? spec.encoding : undefined;
    assert.ok(encoding !== undefined);
    assert.deepEqual(encoding.x, {
      field: "predicted",
      type: "nominal",
      sort: labels,
      title: "Predicted label",
    });
    assert.deepEqual(encoding.y, {
      field: "actual",
      type: "nominal",
      sort: labels,
      title: "True label",
    });
  });

  it("refuses a matrix that does not fit its labels", () => {
    rejects(
      () => confusionMatrixSpec({ matrix: [[1, 2], [3]], labels: ["a", "b"] }),
      /matrix is not square: row 1 has 1 values, expected 2/,
    );
    rejects(
      () => confusionMatrixSpec({ matrix, labels: ["a", "b"] }),
      /matrix has 3 rows but there are 2 labels/,
    );
    rejects(
      () =>
        confusionMatrixSpec({
          matrix: [
            [1, NaN],
            [0, 1],
          ],
          labels: ["a", "b"],
        }),
      /matrix\[0\]\[1\] is NaN: every value must be a finite number/,
    );
    rejects(
      () =>
        confusionMatrixSpec({
          matrix: [
            [1, 0.5],
            [0, 1],
          ],
          labels: ["a", "b"],
        }),
      /matrix\[0\]\[1\] is 0.5: cells must be non-negative integer counts/,
    );
    rejects(
      () =>
        confusionMatrixSpec({
          matrix: [
            [1, 0],
            [0, 1],
          ],
          labels: ["a", "a"],
        }),
      /labels\[1\] "a" repeats an earlier label/,
    );
    rejects(() => confusionMatrixSpec({ matrix: [], labels: [] }), /labels is empty/);
  });
});

describe("rocCurvePlot", () => {
  const skewed = { label: NASTY, fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1], auc: 0.875 };
  const chance = { label: "versicolor", fpr: [0, 1], tpr: [0, 1], auc: 0.5 };
  const curves = [skewed, chance];

  it("draws one line per class, the chance diagonal and each AUC in the legend", async () => {
    const svg = await rocCurvePlot({ curves, title: "ROC <iris>" });
    assertWellFormedXml(svg);
    assert.equal(markGroups(svg, "curves_marks").length, 2);
    const [chance] = markGroups(svg, "chance_marks");
    assert.match(chance ?? "", /d="M0,360L360,0"/);
    const legend = texts(svg);
    assert.ok(legend.includes(`${NASTY_IN_TEXT} (AUC = 0.8750)`));
    assert.ok(legend.includes("versicolor (AUC = 0.5000)"));
    assert.ok(legend.includes("ROC &lt;iris&gt;"));
  });

  it("keeps each curve's point order where two points share a false positive rate", async () => {
    const svg = await rocCurvePlot({ curves: [skewed] });
    const [line] = markGroups(svg, "curves_marks");
    // (0,0) -> (0,0.5) -> (0.5,1) -> (1,1) on a 360 px square.
    assert.match(line ?? "", /d="M0,360L0,180L180,0L360,0"/);
  });

  it("gives the same bytes for the same input, whatever was drawn before", async () => {
    const first = await rocCurvePlot({ curves });
    await confusionMatrixPlot({ matrix: [[1]], labels: ["only"] });
    await trainingHistoryPlot({ epochs: [{ epoch: 1, loss: 1 }], metricName: "accuracy" });
    assert.equal(await rocCurvePlot({ curves }), first);
  });

  it("returns a spec that survives a round trip through JSON", () => {
    const spec = rocCurveSpec({ curves });
    assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  });

  it("refuses curves it cannot draw", () => {
    rejects(() => rocCurveSpec({ curves: [] }), /curves is empty/);
    rejects(
      () => rocCurveSpec({ curves: [{ label: "a", fpr: [0, 1], tpr: [0, 0.5, 1], auc: 0.5 }] }),
      /curves\[0\].fpr has 2 values but curves\[0\].tpr has 3/,
    );
    rejects(
      () => rocCurveSpec({ curves: [{ label: "a", fpr: [0, NaN], tpr: [0, 1], auc: 0.5 }] }),
      /curves\[0\].fpr\[1\] is NaN/,
    );
    rejects(
      () => rocCurveSpec({ curves: [{ label: "a", fpr: [0, 1], tpr: [0, 1], auc: NaN }] }),
      /curves\[0\].auc is NaN/,
    );
    rejects(
      () => rocCurveSpec({ curves: [{ label: "a", fpr: [0, 1.5], tpr: [0, 1], auc: 0.5 }] }),
      /curves\[0\].fpr\[1\] is 1.5: values must lie between 0 and 1/,
    );
  });
});

describe("precisionRecallPlot", () => {
  it("draws step lines, horizontal then vertical, with the average precision in the legend", async () => {
    const svg = await precisionRecallPlot({
      curves: [
        {
          label: "spam",
          precision: new Float64Array([0.5, 2 / 3, 1, 1]),
          recall: new Float64Array([1, 1, 0.5, 0]),
          averagePrecision: 0.8333333333333333,
        },
      ],
    });
    assertWellFormedXml(svg);
    const [line] = markGroups(svg, "curves_marks");
    const d = /d="([^"]+)"/.exec(line ?? "")?.[1] ?? "";
    const points = [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    assert.ok(points.length >= 7, d);
    for (let i = 1; i < points.length; i += 1) {
      const [x0, y0] = points[i - 1] ?? [];
      const [x1, y1] = points[i] ?? [];
      assert.ok(x0 === x1 || y0 === y1, `segment ${i} of ${d} is diagonal`);
    }
    assert.ok(texts(svg).includes("spam (AP = 0.8333)"));
  });

  it("refuses precision and recall of different lengths", () => {
    rejects(
      () =>
        precisionRecallSpec({
          curves: [{ label: "a", precision: [1], recall: [1, 0], averagePrecision: 1 }],
        }),
      /curves\[0\].precision has 1 values but curves\[0\].recall has 2/,
    );
  });
});

describe("predictedVsActualPlot", () => {
  it("draws one point per sample and the y = x line", async () => {
    const actual = [1, 2, 3, 4, 5];
    const predicted = [1.2, 1.8, 3.3, 3.9, 5.4];
    const svg = await predictedVsActualPlot({ actual, predicted, title: "Boston" });
    assertWellFormedXml(svg);
    const [points] = markGroups(svg, "points_marks");
    assert.equal(count(points ?? "", "<path"), 5);
    const [identity] = markGroups(svg, "identity_marks");
    // From (min, min) at the bottom left to (max, max) at the top right of a square.
    assert.match(identity ?? "", /d="M0,360L360,0"/);
    assert.ok(texts(svg).includes("Boston"));
  });

  it("refuses mismatched or non-finite values", () => {
    rejects(
      () => predictedVsActualSpec({ actual: [1, 2], predicted: [1] }),
      /actual has 2 values but predicted has 1/,
    );
    rejects(
      () => predictedVsActualSpec({ actual: [1, Infinity], predicted: [1, 2] }),
      /actual\[1\] is Infinity/,
    );
    rejects(() => predictedVsActualSpec({ actual: [], predicted: [] }), /actual is empty/);
  });
});

describe("calibrationPlot", () => {
  it("draws one point per bin and the perfectly calibrated diagonal", async () => {
    const svg = await calibrationPlot({
      curves: [{ label: "spam", meanPredicted: [0.1, 0.5, 0.9], fractionPositive: [0, 0.6, 0.8] }],
    });
    assertWellFormedXml(svg);
    const [perfect] = markGroups(svg, "perfect_marks");
    assert.match(perfect ?? "", /d="M0,360L360,0"/);
    assert.equal(markGroups(svg, "curves_marks").length, 1);
    const bins = svg.match(/aria-roledescription="point"/g) ?? [];
    assert.equal(bins.length, 3);
  });

  it("refuses bins whose lengths differ", () => {
    rejects(
      () =>
        calibrationSpec({
          curves: [{ label: "a", meanPredicted: [0.1, 0.2], fractionPositive: [0.1] }],
        }),
      /curves\[0\].meanPredicted has 2 values but curves\[0\].fractionPositive has 1/,
    );
  });
});

describe("trainingHistoryPlot", () => {
  const epochs = [
    { epoch: 1, loss: 1.0, valLoss: 1.1, valMetric: 0.5 },
    { epoch: 2, loss: 0.6, valLoss: 0.8, valMetric: 0.7 },
    { epoch: 3, loss: 0.4, valLoss: 0.7, valMetric: 0.8 },
  ];

  it("draws training and validation loss and the validation metric per epoch", async () => {
    const svg = await trainingHistoryPlot({ epochs, metricName: "accuracy" });
    assertWellFormedXml(svg);
    assert.equal(markGroups(svg, "loss_marks").length, 2);
    assert.equal(markGroups(svg, "metric_marks").length, 1);
    const all = texts(svg);
    for (const text of [
      "Training history",
      "Validation accuracy",
      "training loss",
      "validation loss",
    ]) {
      assert.ok(all.includes(text), text);
    }
  });

  it("leaves out the metric panel when no epoch has a validation metric", async () => {
    const svg = await trainingHistoryPlot({
      epochs: [
        { epoch: 1, loss: 1 },
        { epoch: 2, loss: 0.5 },
      ],
      metricName: "accuracy",
    });
    assert.equal(markGroups(svg, "metric_marks").length, 0);
    assert.ok(!texts(svg).includes("Validation accuracy"));
  });

  it("refuses epochs out of order and non-finite losses", async () => {
    await assert.rejects(
      trainingHistoryPlot({
        epochs: [
          { epoch: 2, loss: 1 },
          { epoch: 1, loss: 1 },
        ],
        metricName: "accuracy",
      }),
      /epochs\[1\].epoch is 1, not after the previous 2/,
    );
    await assert.rejects(
      trainingHistoryPlot({ epochs: [{ epoch: 1, loss: NaN }], metricName: "accuracy" }),
      /epochs\[0\].loss is NaN/,
    );
    await assert.rejects(
      trainingHistoryPlot({ epochs: [], metricName: "accuracy" }),
      /epochs is empty/,
    );
  });
});
