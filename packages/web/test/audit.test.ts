import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import {
  expectAccessible,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "./support/browser.js";
import { rawSql } from "./support/database.js";
import { browserDialect, startWebHub, type WebHub } from "./support/hub.js";
import { card, pushModel } from "./support/models.js";
import { createUser, signIn } from "./support/users.js";

const PASSWORD = "a long enough test password";

/** The sequence numbers in the table, top to bottom. */
async function shownSeqs(page: Page): Promise<number[]> {
  const cells = await page.locator("table.audit-events tbody th").allInnerTexts();
  return cells.map((c) => Number.parseInt(c, 10));
}

/** The actions column, top to bottom (each cell ends with the action's name). */
async function shownActions(page: Page): Promise<string[]> {
  const cells = await page.locator("table.audit-events tbody td:nth-child(4) .id").allInnerTexts();
  return cells.map((c) => c.trim());
}

const dialect = browserDialect("postgres");

describe(`the audit log page in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;
  let events: number;

  async function adminPage(language: "en" | "zh-CN" = "en"): Promise<Page> {
    const context = await browser.newContext(language);
    const page = await context.newPage();
    await signIn(page, hub, "admin", PASSWORD);
    return page;
  }

  before(async () => {
    hub = await startWebHub(dialect);
    browser = await launchBrowser();
    const set = await hub.api("PUT", "/api/users/admin/password", { password: PASSWORD });
    assert.equal(set.status, 200, await set.text());
    const uma = await createUser(hub, "uma", PASSWORD);
    assert.equal((await hub.api("POST", "/api/orgs", { name: "umbrella" }, uma)).status, 201);
    await pushModel(hub, "admin/spam-filter", { "README.md": card("license: mit", "# S\n") });
    // Enough events for more than one page of fifty.
    for (let i = 0; i < 50; i += 1) {
      assert.equal((await hub.api("POST", "/api/users", { name: `user-${i}` })).status, 201);
    }
    const head = await rawSql(hub, "select seq from audit_head where id = 1");
    events = Number(head[0]?.seq);
    assert.ok(events > 60, `only ${events} events`);
  });

  after(async () => {
    await browser.close();
    await hub.stop();
  });

  it("lists the newest events, filters them in the address bar, pages back and verifies the chain", async () => {
    const page = await adminPage();
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    await page.locator("table.audit-events").waitFor();
    const newest = await shownSeqs(page);
    assert.equal(newest.length, 50);
    assert.ok(newest[0] !== undefined && newest[0] >= events, "newest first");

    await page.getByRole("button", { name: "Verify chain" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /The chain is intact: \d+ events verified\./ })
      .waitFor();
    await expectAccessible(page, "the audit log");
    await screenshot(page, "audit-en");

    // Back one page, and forward again.
    await page.getByRole("button", { name: "Older" }).click();
    await page.waitForURL(/[?&]before=/);
    const expectedTop = (newest.at(-1) ?? 0) - 1;
    await page
      .getByRole("table", { name: new RegExp(` to ${expectedTop}, newest first`) })
      .waitFor();
    const older = await shownSeqs(page);
    assert.equal(older[0], (newest.at(-1) ?? 0) - 1);
    await page.getByRole("button", { name: "Newest" }).click();
    await page.waitForURL((url) => !url.search.includes("before="));

    // Filters, one after the other, each kept in the address bar.
    await page.getByLabel("Action").selectOption("version.publish");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/[?&]action=version\.publish/);
    await page.getByRole("table", { name: /^1 event,/ }).waitFor();
    assert.deepEqual(await shownActions(page), ["version.publish"]);
    assert.match(
      await page.locator("table.audit-events tbody tr").innerText(),
      /admin[\s\S]*Version published[\s\S]*admin\/spam-filter@v1/,
    );

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("Actor").fill("uma");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/[?&]actor=uma/);
    await page.getByRole("table", { name: /^1 event,/ }).waitFor();
    assert.deepEqual(await shownActions(page), ["org.create"]);
    assert.ok(
      (await page.locator("table.audit-events tbody td:nth-child(3)").allInnerTexts()).every(
        (cell) => cell.startsWith("uma"),
      ),
    );

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("Resource").fill("admin/spam-filter");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/[?&]resource=admin%2Fspam-filter/);
    await page.locator("table.audit-events .id", { hasText: "model.create" }).waitFor();
    const ofModel = await shownActions(page);
    assert.ok(ofModel.includes("model.create") && ofModel.includes("version.publish"));
    // The address is the query: opened afresh, it shows the same events.
    const shared = await page.context().newPage();
    await shared.goto(page.url());
    await shared.locator("table.audit-events").waitFor();
    assert.deepEqual(await shownActions(shared), ofModel);
    await shared.close();

    // A range that ends before it starts is refused on the page; a filter the hub cannot use, by the hub.
    await page.getByLabel("From").fill("2030-01-02T00:00");
    await page.getByLabel("Before").fill("2030-01-01T00:00");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByText("The end of the time range must come after its start.").waitFor();
    await page.getByLabel("Before").fill("2030-01-03T00:00");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/[?&]since=2030-01-/);
    await page.getByText("No event matches.").waitFor();
    await page.goto(`${hub.url}/settings/audit?actor=nobody-at-all`);
    await page
      .getByRole("alert")
      .filter({ hasText: 'actor "nobody-at-all" names no user on this hub' })
      .waitFor();
    await page.context().close();
  });

  it("names the first broken link once a row is altered in the database", async () => {
    const original = await rawSql(hub, "select details from audit_events where seq = ?", [5]);
    await rawSql(hub, "update audit_events set details = ? where seq = ?", [
      JSON.stringify({ admin: true }),
      5,
    ]);
    try {
      const page = await adminPage();
      await page.goto(`${hub.url}/settings/audit`);
      await page.getByRole("button", { name: "Verify chain" }).click();
      const verdict = page
        .getByRole("alert")
        .filter({ hasText: "The chain is broken at event 5." });
      await verdict.waitFor();
      assert.match(
        await verdict.innerText(),
        /Event 5 was altered: its content does not match its hash\.[\s\S]*4 events before it verified/,
      );
      await verdict.getByRole("button", { name: "Show the events around 5" }).click();
      await page.waitForURL(/[?&]after=3/);
      const marked = page.locator("table.audit-events tr.marked");
      await marked.waitFor();
      assert.match(await marked.innerText(), /^5\s+first broken link/);
      await expectAccessible(page, "a broken chain's verdict");
      await screenshot(page, "audit-broken-en");
      await page.context().close();
    } finally {
      await rawSql(hub, "update audit_events set details = ? where seq = ?", [
        String(original[0]?.details),
        5,
      ]);
    }
    const intact = (await (await hub.api("GET", "/api/audit/verify")).json()) as { ok: boolean };
    assert.equal(intact.ok, true);
  });

  it("refuses the page to anyone but an administrator, in the hub's words", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await signIn(page, hub, "uma", PASSWORD);
    assert.equal(await page.getByRole("link", { name: "Audit log" }).count(), 0);
    await page.goto(`${hub.url}/settings/audit`);
    await page
      .getByRole("alert")
      .filter({ hasText: "only a hub administrator may read the audit log" })
      .waitFor();
    await context.close();
  });

  it("speaks Chinese", async () => {
    const page = await adminPage("zh-CN");
    await page.goto(`${hub.url}/settings/audit`);
    await page.getByRole("heading", { name: "审计日志", level: 1 }).waitFor();
    await page.locator("table.audit-events").waitFor();
    await page.getByRole("button", { name: "校验哈希链" }).click();
    await page.getByRole("status").filter({ hasText: "哈希链完整" }).waitFor();
    await expectAccessible(page, "the audit log in Chinese");
    await screenshot(page, "audit-zh");
    await page.context().close();
  });
});
