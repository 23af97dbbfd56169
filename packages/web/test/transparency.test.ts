import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  expectAccessible,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "./support/browser.js";
import { browserDialect, startWebHub, type WebHub } from "./support/hub.js";
import { card, pushModel } from "./support/models.js";

const WEIGHTS = "bytes standing in for an ONNX model\n";

const BASE_CARD = card(
  `license: apache-2.0
risk_tier: limited
intended_uses: [sorting mail into spam and ham]
prohibited_uses: [reading other people's mail]
limitations: [English mail only]`,
  "# Spam filter\n",
);

/** An evaluation report of the model's weights, as `gatehouse eval` would write one. */
function evaluation(summary: string, metrics: Record<string, number>): string {
  return JSON.stringify({
    kind: "evaluation",
    schemaVersion: 2,
    createdAt: new Date().toISOString(),
    producer: { name: "web-tests", version: "1" },
    subject: { sha256: createHash("sha256").update(WEIGHTS).digest("hex"), path: "model.onnx" },
    summary,
    passed: true,
    dataset: { name: "spam" },
    split: { name: "test" },
    metrics,
  });
}

const dialect = browserDialect("sqlite");

describe(`the transparency tab in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;

  before(async () => {
    hub = await startWebHub(dialect);
    browser = await launchBrowser();
    for (const version of ["v1", "v2"]) {
      await pushModel(
        hub,
        "admin/spam-filter",
        { "README.md": BASE_CARD, "model.onnx": WEIGHTS },
        { version },
      );
    }
    const report = path.join(hub.workDir, "evaluation.json");
    await writeFile(
      report,
      evaluation("Accuracy 0.93 on the spam test split", {
        accuracy: 0.93,
        f1: 0.91,
        precision: 0.9,
      }),
    );
    await hub.cli(["evidence", "add", "admin/spam-filter@v2", report]);
    await hub.cli([
      "release",
      "admin/spam-filter@v1",
      "--to",
      "withdrawn",
      "--reason",
      "it leaked training mail",
    ]);
    await pushModel(hub, "admin/spam-filter-small", {
      "README.md": card(
        "license: apache-2.0\nbase_model: admin/spam-filter\nbase_model_relation: distillation",
        "# Small\n",
      ),
    });
  });

  after(async () => {
    await browser.close();
    await hub.stop();
  });

  it("shows strengths with a drawn plot and its numbers, risks, restrictions, evidence, lineage and history", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    // Vega must draw without eval: the page's Content-Security-Policy would refuse it, loudly.
    const refused: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|unsafe-eval/i.test(message.text())) {
        refused.push(message.text());
      }
    });
    page.on("pageerror", (error) => {
      refused.push(error.message);
    });
    await page.goto(`${hub.url}/admin/spam-filter`);
    await page.getByRole("link", { name: "Transparency" }).click();
    await page.getByRole("heading", { name: "Transparency report for version v2" }).waitFor();

    // The plot is drawn (Vega's SVG) and described; its numbers are also a table.
    await page.locator(".plot svg").first().waitFor();
    const plot = page.getByRole("img", { name: /Bar chart of Evaluation on spam \/ test/ });
    assert.match((await plot.getAttribute("aria-label")) ?? "", /accuracy 0\.93, f1 0\.91/);
    const metrics = page.getByRole("table", { name: "Metrics of Evaluation on spam / test" });
    assert.match(await metrics.innerText(), /accuracy\s+0\.93/);

    const main = await page.locator("main").innerText();
    assert.match(main, /English mail only/);
    assert.match(main, /reading other people's mail/);
    assert.match(main, /Apache License 2\.0 \(Apache-2\.0\)/);
    assert.match(main, /Who may download it\s+everyone, without signing in/);
    const evidence = await page.locator("table.evidence").innerText();
    assert.match(
      evidence,
      /Evaluation\s+Accuracy 0\.93 on the spam test split\s+Attested by the publisher\s+Passed/,
    );
    assert.match(evidence, /Current/);
    await page.getByRole("link", { name: "admin/spam-filter-small@v1" }).waitFor();
    assert.match(main, /admin\/spam-filter-small@v1 \(distilled\)/);
    const timeline = await page.locator("ol.timeline").innerText();
    assert.match(timeline, /Published \(commit [0-9a-f]{12}\)/);
    assert.match(timeline, /Stage changed: Private → Open/);
    assert.match(timeline, /Evidence attached: Evaluation/);

    await expectAccessible(page, "the transparency tab");
    await screenshot(page, "transparency-en");
    assert.deepEqual(refused, []);
    await context.close();
  });

  it("shows a withdrawn version as its tombstone, and nothing else", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await page.goto(`${hub.url}/admin/spam-filter/transparency`);
    await page.getByRole("heading", { name: "Transparency report for version v2" }).waitFor();
    await page.getByLabel("Version").selectOption("v1");
    await page.waitForURL(/[?&]version=v1/);
    await page.getByRole("heading", { name: "Version v1 was withdrawn" }).waitFor();
    const tombstone = await page.locator(".tombstone").innerText();
    assert.match(tombstone, /admin\/spam-filter@v1/);
    assert.match(tombstone, /Reason\s+it leaked training mail/);
    assert.match(tombstone, /Withdrawn on\s+\w+/);
    for (const heading of ["Strengths", "Evidence", "Restrictions", "Release history"]) {
      assert.equal(await page.getByRole("heading", { name: heading }).count(), 0, heading);
    }
    await expectAccessible(page, "a withdrawn version's tombstone");
    await screenshot(page, "transparency-tombstone-en");
    await context.close();
  });

  it("speaks Chinese, plot and tombstone included", async () => {
    const context = await browser.newContext("zh-CN");
    const page = await context.newPage();
    await page.goto(`${hub.url}/admin/spam-filter/transparency`);
    await page.getByRole("heading", { name: "版本 v2 的透明度报告" }).waitFor();
    await page.locator(".plot svg").first().waitFor();
    await page.getByRole("heading", { name: "优势" }).waitFor();
    await page.getByRole("heading", { name: "发布历史" }).waitFor();
    assert.match(await page.locator("table.evidence").innerText(), /发布者声明/);
    await expectAccessible(page, "the transparency tab in Chinese");
    await screenshot(page, "transparency-zh");
    await page.goto(`${hub.url}/admin/spam-filter/transparency?version=v1`);
    await page.getByRole("heading", { name: "版本 v1 已撤回" }).waitFor();
    await expectAccessible(page, "a tombstone in Chinese");
    await screenshot(page, "transparency-tombstone-zh");
    await context.close();
  });
});
