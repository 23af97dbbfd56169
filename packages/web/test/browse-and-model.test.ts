import assert from "node:assert/strict";
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
import { createUser, signIn } from "./support/users.js";

/** Markup a hostile card author might write, each piece trying to run script or restyle the page. */
const HOSTILE_BODY = `# Hostile card

Plain **text** survives.

<script>window.__pwned = "script"</script>
<img src="x" onerror="window.__pwned = 'onerror'">
<a href="javascript:window.__pwned='href'">a javascript link</a>
[a markdown javascript link](javascript:window.__pwned='md')
<iframe src="/"></iframe>
<svg><g onload="window.__pwned='svg'"></g></svg>
<form action="/api/tokens" method="post"><input name="x"><button>go</button></form>
<div style="position:fixed;inset:0;background:red">covering the page</div>
<object data="/"></object>
`;

async function mainText(page: Page): Promise<string> {
  return (await page.locator("main").innerText()).trim();
}

const dialect = browserDialect("sqlite");

describe(`browsing and model pages in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;

  before(async () => {
    hub = await startWebHub(dialect);
    browser = await launchBrowser();
    await pushModel(hub, "admin/spam-filter", {
      "README.md": card(
        "license: apache-2.0\ntags: [text-classification, spam]\nrisk_tier: limited",
        "# Spam filter\n\nSorts **spam** from mail.\n\n## Limitations\n\nEnglish only.\n",
      ),
      "config.json": '{"labels": ["ham", "spam"]}\n',
      "weights/model.onnx": "not really onnx, but bytes all the same\n",
    });
    await pushModel(hub, "admin/hostile", {
      "README.md": card("license: mit", HOSTILE_BODY),
    });
    await pushModel(
      hub,
      "admin/secret-model",
      { "README.md": card("license: mit", "# Secret\n") },
      { stage: "private" },
    );
  });

  after(async () => {
    await browser.close();
    await hub.stop();
  });

  it("lists the models a visitor may see, with stage, risk and licence, and keeps the query in the URL", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await page.goto(hub.url);
    await page.getByRole("link", { name: "admin/spam-filter" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "admin/secret-model" }).count(), 0);
    const row = page.locator("li.model-row", { hasText: "admin/spam-filter" });
    const rowText = await row.innerText();
    assert.match(rowText, /Open/);
    assert.match(rowText, /Risk: limited/);
    assert.match(rowText, /apache-2\.0/);
    await expectAccessible(page, "the model list");
    await screenshot(page, "browse-en");

    await page.getByRole("searchbox", { name: "Search" }).fill("spam");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/[?&]q=spam/);
    await page.getByRole("link", { name: "admin/spam-filter" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "admin/hostile" }).count(), 0);
    await page.getByRole("status").filter({ hasText: "1 model" }).waitFor();
    // The address is the search: opened afresh, it shows the same list.
    const shared = await context.newPage();
    await shared.goto(page.url());
    await shared.getByRole("link", { name: "admin/spam-filter" }).waitFor();
    assert.equal(await shared.getByRole("link", { name: "admin/hostile" }).count(), 0);

    // Filters chosen from what the visible models hold, each kept in the address.
    await page.goto(hub.url);
    await page.getByLabel("Tag", { exact: true }).selectOption("spam");
    await page.waitForURL(/[?&]tag=spam/);
    await page.getByLabel("Risk tier", { exact: true }).selectOption("limited");
    await page.waitForURL(/[?&]risk=limited/);
    await page.getByLabel("Organisation or user", { exact: true }).selectOption("admin");
    await page.waitForURL(/[?&]author=admin/);
    await page.getByRole("link", { name: "admin/spam-filter" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "admin/hostile" }).count(), 0);
    await page.getByLabel("Risk tier", { exact: true }).selectOption("high");
    await page.getByText("No model matches.").waitFor();
    await page.getByLabel("Licence", { exact: true }).selectOption({ index: 0 });
    await page.getByLabel("Risk tier", { exact: true }).selectOption("");
    await page.getByLabel("Tag", { exact: true }).selectOption("");
    await page.getByLabel("Stage", { exact: true }).selectOption("open");
    await page.getByRole("link", { name: "admin/hostile" }).waitFor();
    await context.close();
  });

  it("shows a model's card, metadata, files with sizes, sha256 and download links, and versions", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await page.goto(`${hub.url}/admin/spam-filter`);
    await page.getByRole("heading", { name: "Spam filter" }).waitFor();
    const metadata = page.locator("table.metadata");
    assert.match(await metadata.innerText(), /risk_tier\s+limited/);
    await expectAccessible(page, "the model card");
    await screenshot(page, "model-card-en");

    await page.getByRole("link", { name: "Files" }).click();
    const link = page.getByRole("link", { name: "weights/model.onnx" });
    await link.waitFor();
    assert.equal(
      await link.getAttribute("href"),
      "/admin/spam-filter/resolve/v1/weights/model.onnx",
    );
    const response = await page.request.get(
      `${hub.url}/admin/spam-filter/resolve/v1/weights/model.onnx`,
    );
    assert.equal(await response.text(), "not really onnx, but bytes all the same\n");
    const filesText = await page.locator("table.files").innerText();
    // sha256 of the file's bytes, computed independently: printf '%s\n' '…' | sha256sum
    assert.match(filesText, /README\.md/);
    assert.match(filesText, /[0-9a-f]{64}/);
    await expectAccessible(page, "the files tab");
    await screenshot(page, "model-files-en");

    await page.getByRole("link", { name: "Versions" }).click();
    await page.getByRole("rowheader", { name: "v1" }).waitFor();
    await expectAccessible(page, "the versions tab");
    await screenshot(page, "model-versions-en");
    await context.close();
  });

  it("renders a hostile card with no script, handler, frame, form or style surviving", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${hub.url}/admin/hostile`);
    await page.getByRole("heading", { name: "Hostile card" }).waitFor();
    const body = page.locator("article.card-body");
    assert.match(await body.innerText(), /Plain text survives\./);
    for (const selector of [
      "script",
      "iframe",
      "form",
      "input",
      "object",
      "[style]",
      "[onerror]",
      "[onload]",
      "a[href^='javascript']",
    ]) {
      assert.equal(await body.locator(selector).count(), 0, `${selector} survived`);
    }
    for (const name of ["a javascript link", "a markdown javascript link"]) {
      const links = body.getByText(name);
      assert.equal(await links.count(), 1);
      const href = await links.getAttribute("href");
      assert.ok(href === null || !/^javascript:/i.test(href), `${name} kept ${href ?? ""}`);
      if (href !== null) {
        await links.click();
      }
    }
    assert.equal(
      await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned),
      undefined,
    );
    assert.deepEqual(dialogs, []);
    await context.close();
  });

  it("shows a model the visitor may not see exactly as one that does not exist", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await page.goto(`${hub.url}/admin/secret-model`);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    const hidden = (await mainText(page)).replaceAll("secret-model", "NAME");
    await page.goto(`${hub.url}/admin/no-such-model`);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    const missing = (await mainText(page)).replaceAll("no-such-model", "NAME");
    assert.equal(hidden, missing);
    await expectAccessible(page, "the not-found page");
    await screenshot(page, "not-found-en");
    await context.close();
  });

  it("sends a user whose session ended to sign-in, and back to the page they were on", async () => {
    const token = await createUser(hub, "sam", "first password, long enough");
    await pushModel(
      hub,
      "sam/notes-model",
      { "README.md": card("license: mit", "# Sam's notes\n") },
      { stage: "private", token },
    );
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await signIn(page, hub, "sam", "first password, long enough");
    await page.goto(`${hub.url}/sam/notes-model/versions`);
    await page.getByRole("rowheader", { name: "v1" }).waitFor();

    // An administrator's new password for sam ends every session of theirs.
    const reset = await hub.api("PUT", "/api/users/sam/password", {
      password: "second password, long enough",
    });
    assert.equal(reset.status, 200);
    await page.reload();
    await page.waitForURL(/\/login\?next=%2Fsam%2Fnotes-model%2Fversions&expired=1$/);
    await page.getByText("Your session has ended.").waitFor();
    await page.locator("#username").fill("sam");
    await page.locator("#password").fill("second password, long enough");
    await page.locator("form button[type=submit]").click();
    await page.waitForURL(`${hub.url}/sam/notes-model/versions`);
    await page.getByRole("rowheader", { name: "v1" }).waitFor();
    await context.close();
  });

  it("speaks Chinese to a browser that asks for it, and remembers a change of language", async () => {
    const context = await browser.newContext("zh-CN");
    const page = await context.newPage();
    await page.goto(hub.url);
    await page.getByRole("heading", { name: "模型" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
    await expectAccessible(page, "the model list in Chinese");
    await screenshot(page, "browse-zh");
    await page.goto(`${hub.url}/admin/spam-filter`);
    await page.getByRole("link", { name: "文件" }).waitFor();
    await expectAccessible(page, "the model card in Chinese");
    await screenshot(page, "model-card-zh");
    await page.getByRole("link", { name: "文件" }).click();
    await page.locator("table.files").waitFor();
    await screenshot(page, "model-files-zh");
    await page.getByRole("link", { name: "版本" }).click();
    await page.getByRole("rowheader", { name: "v1" }).waitFor();
    await screenshot(page, "model-versions-zh");

    await page.getByLabel("语言").selectOption("en");
    await page.getByRole("link", { name: "Files" }).waitFor();
    await page.reload();
    await page.getByRole("link", { name: "Files" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "en");
    await context.close();
  });
});
