import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import {
  expectAccessible,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "./support/browser.js";
import { browserDialect, startWebHub, type WebHub } from "./support/hub.js";
import { card, pushModel } from "./support/models.js";
import { createOrg, createUsers, signIn } from "./support/users.js";

const PASSWORD = "a long enough test password";

const IRIS = "/v2/models/acme--iris/versions/v1/infer";

interface Totals {
  readonly requests: number;
  readonly errors: number;
  readonly latencyAvgMs: number;
  readonly latencyMaxMs: number;
}

/** The words each language shows for what the test reads. */
const WORDS = {
  en: {
    tab: "Usage",
    day: "Last 30 days, by day",
    calls: "Requests and errors",
    latency: "Latency",
    empty: "No calls in the last 24 hours.",
    ms: (n: string) => `${n} ms`,
    percent: (n: string) => `${n} %`,
  },
  "zh-CN": {
    tab: "用量",
    day: "最近 30 天（按天）",
    calls: "请求与错误",
    latency: "延迟",
    empty: "最近 24 小时内没有调用。",
    ms: (n: string) => `${n} 毫秒`,
    percent: (n: string) => `${n}%`,
  },
} as const;

/** Thresholds low enough for a handful of calls to open signals, which the policy below acts on. */
const SIGNAL_ENV = {
  GATEHOUSE_SIGNAL_SPIKE_MIN_CALLS: "9",
  GATEHOUSE_SIGNAL_DUPLICATE_CALLS: "5",
};

const SIGNAL_POLICY = `policy: abuse
rules: []
signals:
  - id: throttle-spikes
    when: signal.kind == "spike"
    action: throttle
  - id: suspend-extraction
    description: Near-duplicate floods look like model extraction
    when: signal.kind == "near_duplicates"
    action: suspend
`;

interface Signal {
  readonly id: string;
  readonly kind: string;
  readonly state: string;
  readonly subject: { readonly kind: string; readonly id: string | null };
  readonly count: number;
  readonly action: string;
  readonly closeReason: string | null;
}

/** The Iris repository `gatehouse train` writes, trained once for every dialect's hub. */
let trained: string | null = null;

async function irisRepository(hub: WebHub): Promise<string> {
  if (trained === null) {
    const dir = await mkdtemp(path.join(tmpdir(), "gatehouse-web-usage-"));
    await hub.cli(["train", "iris", "--out", path.join(dir, "iris"), "--epochs", "1"]);
    trained = path.join(dir, "iris");
  }
  return trained;
}

after(async () => {
  if (trained !== null) {
    await rm(path.dirname(trained), { recursive: true, force: true });
  }
});

const dialect = browserDialect("sqlite");

describe(`the usage tabs in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;
  let totals: Totals;
  let token: (name: string) => string;
  let policyDir: string;

  async function signedIn(name: string, language: "en" | "zh-CN" = "en"): Promise<Page> {
    const context = await browser.newContext(language);
    const page = await context.newPage();
    await signIn(page, hub, name, PASSWORD);
    return page;
  }

  /** The figures of the totals on the page, by their key. */
  async function shownTotals(page: Page): Promise<Record<string, string>> {
    await page.locator(".usage-totals").waitFor();
    const shown: Record<string, string> = {};
    for (const item of await page.locator(".usage-totals > div").all()) {
      const key = (await item.getAttribute("data-total")) ?? "";
      shown[key] = (await item.locator("dd").innerText()).trim();
    }
    return shown;
  }

  /** Waits for both charts to be drawn, with lines and points in them. */
  async function expectCharts(page: Page, language: keyof typeof WORDS): Promise<void> {
    for (const name of [WORDS[language].calls, WORDS[language].latency]) {
      const chart = page.getByRole("region", { name }).locator(".plot svg");
      await chart.waitFor();
      assert.ok((await chart.locator(".mark-line path").count()) >= 2, `${name}: lines`);
      assert.ok((await chart.locator(".mark-symbol path").count()) >= 2, `${name}: points`);
    }
  }

  before(async () => {
    policyDir = await mkdtemp(path.join(tmpdir(), "gatehouse-web-signals-"));
    await writeFile(path.join(policyDir, "abuse.yaml"), SIGNAL_POLICY);
    hub = await startWebHub(dialect, { ...SIGNAL_ENV, GATEHOUSE_POLICY_DIR: policyDir });
    browser = await launchBrowser();
    token = await createUsers(hub, ["olivia", "mary", "rita", "carl", "dan", "sam"], PASSWORD);
    await createOrg(hub, "acme", token("olivia"), [
      ["mary", "maintainer"],
      ["rita", "member"],
    ]);
    await hub.cli(["model", "create", "acme/iris", "--open"], token("olivia"));
    await hub.cli(
      ["push", await irisRepository(hub), "acme/iris", "--version", "v1"],
      token("olivia"),
    );
    await hub.cli(["serve", "enable", "acme/iris@v1"], token("olivia"));
    await pushModel(
      hub,
      "olivia/quiet",
      { "README.md": card("license: mit", "# Quiet\n") },
      { token: token("olivia") },
    );

    const rows = [
      [5.1, 3.5, 1.4, 0.2],
      [6.4, 3.2, 4.5, 1.5],
    ];
    const good = { inputs: [{ name: "features", shape: [2, 4], datatype: "FP32", data: rows }] };
    const bad = { inputs: [{ name: "nope", shape: [1, 4], datatype: "FP32", data: rows[0] }] };
    for (const body of [good, good, good, bad]) {
      const res = await hub.api("POST", IRIS, body, token("carl"));
      await res.arrayBuffer();
    }
    // Calls are recorded as their answers go out and written a moment later.
    for (let waited = 0; ; waited += 100) {
      const res = await hub.api("GET", "/api/usage/series?org=acme");
      totals = ((await res.json()) as { totals: Totals }).totals;
      if (totals.requests === 4 || waited > 20_000) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(totals.requests, 4);
    assert.equal(totals.errors, 1);
  });

  after(async () => {
    await browser.close();
    await hub.stop();
    await rm(policyDir, { recursive: true, force: true });
  });

  for (const language of ["en", "zh-CN"] as const) {
    const words = WORDS[language];
    const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });

    it(`shows a model's and an organisation's calls as totals and charts (${language})`, async () => {
      const page = await signedIn("olivia", language);
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
      const expected = {
        requests: "4",
        errors: "1",
        "error-rate": words.percent(number.format(25)),
        "latency-avg": words.ms(number.format(totals.latencyAvgMs)),
        "latency-max": words.ms(number.format(totals.latencyMaxMs)),
      };

      await page.goto(`${hub.url}/acme/iris`);
      await page.getByRole("link", { name: words.tab, exact: true }).click();
      await page.waitForURL(/\/acme\/iris\/usage$/);
      assert.deepEqual(await shownTotals(page), expected);
      await expectCharts(page, language);
      await expectAccessible(page, "a model's usage tab");
      await screenshot(page, `usage-model-${language}`);

      await page.getByLabel(words.day).check();
      await page.waitForURL(/\?period=day$/);
      await expectCharts(page, language);
      assert.deepEqual(await shownTotals(page), expected);

      await page.goto(`${hub.url}/organizations/acme`);
      await page.getByRole("link", { name: words.tab, exact: true }).click();
      await page.waitForURL(/\/organizations\/acme\/usage$/);
      assert.deepEqual(await shownTotals(page), expected);
      await expectCharts(page, language);
      await expectAccessible(page, "an organisation's usage tab");
      await screenshot(page, `usage-org-${language}`);

      await page.goto(`${hub.url}/olivia/quiet/usage`);
      await page.getByText(words.empty).waitFor();
      assert.equal(await page.locator(".plot").count(), 0);
      assert.deepEqual(await shownTotals(page), {
        requests: "0",
        errors: "0",
        "error-rate": "—",
        "latency-avg": "—",
        "latency-max": "—",
      });
      await screenshot(page, `usage-empty-${language}`);
      assert.deepEqual(refused, []);
      await page.context().close();
    });
  }

  it("shows a language model's prompt and completion tokens beside its calls", async () => {
    const repository = path.join(path.dirname(await irisRepository(hub)), "tiny-lm");
    await hub.cli([
      ...["train", "lm", "--corpus", "moby-dick", "--out", repository, "--steps", "2"],
      ...[
        "--vocab-size",
        "260",
        "--context",
        "32",
        "--layers",
        "1",
        "--heads",
        "1",
        "--width",
        "8",
      ],
    ]);
    await hub.cli(["model", "create", "olivia/tiny-lm", "--open"], token("olivia"));
    await hub.cli(["push", repository, "olivia/tiny-lm", "--version", "v1"], token("olivia"));
    await hub.cli(["serve", "enable", "olivia/tiny-lm@v1"], token("olivia"));
    const used = { prompt: 0, completion: 0 };
    for (const prompt of ["Call me", "The whale"]) {
      const res = await hub.api(
        "POST",
        "/v1/completions",
        { model: "olivia/tiny-lm@v1", prompt, max_tokens: 5 },
        token("carl"),
      );
      const { usage } = (await res.json()) as {
        usage: { prompt_tokens: number; completion_tokens: number };
      };
      used.prompt += usage.prompt_tokens;
      used.completion += usage.completion_tokens;
    }
    for (let waited = 0; ; waited += 100) {
      const res = await hub.api(
        "GET",
        "/api/usage/series?model=olivia/tiny-lm",
        undefined,
        token("olivia"),
      );
      const { requests } = ((await res.json()) as { totals: Totals }).totals;
      if (requests === 2 || waited > 20_000) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const page = await signedIn("olivia");
    await page.goto(`${hub.url}/olivia/tiny-lm/usage`);
    const shown = await shownTotals(page);
    assert.equal(shown.requests, "2");
    assert.equal(shown["prompt-tokens"], String(used.prompt));
    assert.equal(shown["completion-tokens"], String(used.completion));
    await screenshot(page, "usage-tokens-en");
    await page.context().close();
  });

  it("shows the tabs only to those who may see the usage", async () => {
    const maintainer = await signedIn("mary");
    await maintainer.goto(`${hub.url}/acme/iris`);
    await maintainer.getByRole("link", { name: "Usage", exact: true }).waitFor();
    await maintainer.goto(`${hub.url}/organizations/acme`);
    await maintainer.getByRole("link", { name: "Webhooks" }).waitFor();
    assert.equal(await maintainer.getByRole("link", { name: "Usage", exact: true }).count(), 0);
    await maintainer.context().close();

    const member = await signedIn("rita");
    await member.goto(`${hub.url}/acme/iris`);
    await member.getByRole("link", { name: "Files" }).waitFor();
    assert.equal(await member.getByRole("link", { name: "Usage", exact: true }).count(), 0);
    // The address typed by hand gets the hub's answer for a model it does not know of.
    await member.goto(`${hub.url}/acme/iris/usage`);
    await member.getByText(/Repository not found: acme\/iris/).waitFor();
    assert.equal(await member.locator(".usage-totals").count(), 0);
    await member.context().close();
  });

  /** The open signals about acme/iris as an administrator reads them, once `count` are stored. */
  async function openSignals(count: number): Promise<Signal[]> {
    for (let waited = 0; ; waited += 100) {
      const res = await hub.api("GET", "/api/usage/signals?model=acme/iris");
      const { signals } = (await res.json()) as { signals: Signal[] };
      if (signals.length === count || waited > 20_000) {
        assert.equal(signals.length, count, "open signals about acme/iris");
        return signals;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Opens `url` and waits for the answer about signals, whose status it gives. */
  async function visitUsage(page: Page, url: string): Promise<number> {
    const answered = page.waitForResponse((r) => r.url().includes("/api/usage/signals?"));
    await page.goto(url);
    return (await answered).status();
  }

  it("shows an organisation's owner the open abuse signals on the usage tabs, to close with a reason", async () => {
    // A flood of near-duplicates (suspended by the policy) and a spike (throttled), both by tokens.
    const rows = Array.from({ length: 10 }, (_, i) => [5.1 + i, 3.5 + i, 1.4 + i, 0.2 + i]);
    for (let call = 0; call < 6; call += 1) {
      const data = rows.map((row, i) => (i === call ? [(row[0] ?? 0) + 50, ...row.slice(1)] : row));
      const body = { inputs: [{ name: "features", shape: [10, 4], datatype: "FP32", data }] };
      const res = await hub.api("POST", IRIS, body, token("dan"));
      assert.equal(res.status, 200, await res.text());
    }
    const same = {
      inputs: [{ name: "features", shape: [1, 4], datatype: "FP32", data: [rows[0]] }],
    };
    for (let call = 0; call < 9; call += 1) {
      const res = await hub.api("POST", IRIS, same, token("sam"));
      assert.equal(res.status, 200, await res.text());
    }
    const signals = await openSignals(2);
    const flood = signals.find((s) => s.kind === "near_duplicates");
    const spike = signals.find((s) => s.kind === "spike");
    assert.ok(flood !== undefined && spike !== undefined, JSON.stringify(signals));
    assert.deepEqual([flood.action, spike.action], ["suspend", "throttle"]);

    // The organisation's tab lists them too, in Chinese here.
    const zh = await signedIn("olivia", "zh-CN");
    assert.equal(await visitUsage(zh, `${hub.url}/organizations/acme/usage`), 200);
    const zhSection = zh.getByRole("region", { name: "待处理的滥用信号" });
    await zhSection.locator("tbody tr").nth(1).waitFor();
    const zhFlood = zhSection.locator(`tr[data-signal="${flood.id}"]`);
    assert.match(
      await zhFlood.innerText(),
      /近似重复输入[\s\S]*暂停[\s\S]*规则：suspend-extraction/,
    );
    await expectAccessible(zh, "an organisation's usage tab with signals (zh-CN)");
    await screenshot(zh, "usage-signals-org-zh-CN");
    await zh.context().close();

    const page = await signedIn("olivia");
    assert.equal(await visitUsage(page, `${hub.url}/acme/iris/usage`), 200);
    const section = page.getByRole("region", { name: "Open abuse signals" });
    const row = section.locator(`tr[data-signal="${flood.id}"]`);
    await row.waitFor();
    assert.equal(await section.locator("tbody tr").count(), 2);
    const cells = await row.locator("th, td").allInnerTexts();
    assert.deepEqual(
      cells.map((c) => c.trim().replace(/\s+/g, " ")),
      [
        "Near-duplicate inputs near_duplicates",
        `Token ${flood.subject.id ?? ""}`,
        "5",
        "1",
        "Suspend by suspend-extraction",
        cells[5]?.trim().replace(/\s+/g, " ") ?? "",
        "acme/iris@v1",
        "near-duplicates 5 similarity 0.8 window 10 min",
        `Close ${flood.id}`,
      ],
    );
    assert.match(
      cells[5] ?? "",
      /^first\s+\w+ \d+, \d{4}, [\s\S]*\slast\s+\w+ \d+, \d{4}, /,
      "first and last seen",
    );
    await expectAccessible(page, "a model's usage tab with signals");
    await screenshot(page, "usage-signals-en");

    // A reason is required, then the signal closes and leaves the list.
    await row.getByRole("button", { name: `Close ${flood.id}` }).click();
    const form = section.getByRole("form", { name: `Close signal ${flood.id}` });
    await form.getByRole("button", { name: "Close signal" }).click();
    await form.getByText("Give a reason: it is kept in the audit log.").waitFor();
    await expectAccessible(page, "the form that closes a signal");
    await screenshot(page, "usage-signals-close-en");
    await form.getByRole("textbox").fill("our own load test");
    await form.getByRole("button", { name: "Close signal" }).click();
    await section
      .getByRole("status")
      .getByText(`Closed ${flood.id} (Near-duplicate inputs).`)
      .waitFor();
    await row.waitFor({ state: "detached" });
    assert.equal(await section.locator("tbody tr").count(), 1);
    const closed = (await (
      await hub.api("GET", "/api/usage/signals?state=closed&model=acme/iris")
    ).json()) as { signals: Signal[] };
    assert.deepEqual(
      closed.signals.map((s) => [s.id, s.closeReason]),
      [[flood.id, "our own load test"]],
    );
    const restored = await hub.api("POST", IRIS, same, token("dan"));
    assert.equal(restored.status, 200, "the suspended token works again");

    // Closed meanwhile by someone else: the hub's refusal is shown as it gave it.
    const spikeRow = section.locator(`tr[data-signal="${spike.id}"]`);
    await spikeRow.getByRole("button", { name: `Close ${spike.id}` }).click();
    const spikeForm = section.getByRole("form", { name: `Close signal ${spike.id}` });
    await spikeForm.getByRole("textbox").fill("seen to");
    const other = await hub.api("POST", `/api/usage/signals/${spike.id}/close`, {
      reason: "an administrator's",
    });
    assert.equal(other.status, 200);
    await spikeForm.getByRole("button", { name: "Close signal" }).click();
    await spikeForm
      .getByRole("alert")
      .getByText(`abuse signal "${spike.id}" is closed already`)
      .waitFor();
    await screenshot(page, "usage-signals-refused-en");

    assert.equal(await visitUsage(page, `${hub.url}/acme/iris/usage`), 200);
    await section.getByText("No open abuse signals.").waitFor();
    await screenshot(page, "usage-signals-none-en");
    await page.context().close();
  });

  it("shows no signals section to those the hub does not let read them", async () => {
    const maintainer = await signedIn("mary");
    assert.equal(await visitUsage(maintainer, `${hub.url}/acme/iris/usage`), 403);
    await maintainer.locator(".usage-totals").waitFor();
    assert.equal(await maintainer.getByRole("heading", { name: "Open abuse signals" }).count(), 0);
    assert.equal(await maintainer.locator(".signals, .error").count(), 0);
    await maintainer.context().close();

    const member = await signedIn("rita");
    assert.equal(await visitUsage(member, `${hub.url}/acme/iris/usage`), 403);
    await member.getByText(/Repository not found: acme\/iris/).waitFor();
    assert.equal(await member.locator(".signals").count(), 0);
    await member.context().close();
  });
});
