import assert from "node:assert/strict";
import { createHash } from "node:crypto";
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

const MODEL = "olive/llama-lite";
const PASSWORD = "a long enough test password";
const AGREE = "I agree to use this model for non-commercial use ONLY";

/** The card of a gated model asking what Llama's form asks, with a country and a blocked one. */
const GATED_CARD = card(
  `
license: llama3
extra_gated_heading: Ask for access to Llama Lite
extra_gated_prompt: You agree to share your contact information to access this model.
extra_gated_fields:
  Name: text
  Affiliation: text
  Date of birth: date_picker
  Country: country
  Intended use:
    type: select
    options:
      - Research
      - label: Commercial product
        value: commercial
  ${AGREE}: checkbox
gate:
  blocked_countries: [KP]
  grant_duration: 30d
`,
  "# Llama Lite\n\nA small language model, released to approved researchers.\n",
);
const LICENCE_V1 = "Llama Lite Community Licence, version 1.\n\nUse it for research only.\n";
const LICENCE_V2 =
  "Llama Lite Community Licence, version 2.\n\nUse it for research only, and say so.\n";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Pushes the first version of the gated model with the CLI as its owner, and moves it to the gated stage. */
async function pushGated(hub: WebHub, owner: string) {
  await pushModel(
    hub,
    MODEL,
    { "README.md": GATED_CARD, LICENSE: LICENCE_V1, "weights.bin": "weights of v1\n" },
    { stage: "private", token: owner },
  );
  await hub.cli(
    ["release", `${MODEL}@v1`, "--to", "gated", "--reason", "ready for researchers"],
    owner,
  );
}

/** Publishes a newer gated version with another licence text through the HTTP API the CLI uses. */
async function publishGated(hub: WebHub, owner: string, version: string, licence: string) {
  const base = `/api/models/${MODEL}/versions`;
  await json(hub.api("POST", base, { name: version }, owner));
  const files = {
    "README.md": GATED_CARD,
    LICENSE: licence,
    "weights.bin": `weights of ${version}\n`,
  };
  for (const [file, content] of Object.entries(files)) {
    const put = await fetch(`${hub.url}${base}/${version}/files/${file}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${owner}` },
      body: content,
    });
    assert.equal(put.status, 201, await put.text());
  }
  await json(hub.api("POST", `${base}/${version}/publish`, undefined, owner));
  await json(
    hub.api("POST", `${base}/${version}/transitions`, { to: "gated", reason: "ready" }, owner),
  );
}

async function json<T>(response: Promise<Response>): Promise<T> {
  const answered = await response;
  assert.ok(answered.ok, `${answered.status} ${await answered.clone().text()}`);
  return (await answered.json()) as T;
}

const tabUrl = (hub: WebHub) => `${hub.url}/${MODEL}/request-access`;
const fileUrl = (hub: WebHub, version: string) =>
  `${hub.url}/${MODEL}/resolve/${version}/weights.bin`;

/** Fills every question of the form but the box to agree and the licence. */
async function fillAnswers(page: Page, name: string, country: string) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Affiliation", { exact: true }).fill("Institute of Small Models");
  await page.getByLabel("Date of birth", { exact: true }).fill("1990-05-01");
  await page.getByLabel("Country", { exact: true }).selectOption({ label: country });
  await page.getByLabel("Intended use", { exact: true }).selectOption({ label: "Research" });
}

const dialect = browserDialect("postgres");

describe(`asking for access to a gated model in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;
  let owner: string;
  let bob: string;

  before(async () => {
    hub = await startWebHub(dialect);
    browser = await launchBrowser();
    [owner, bob] = await Promise.all([
      createUser(hub, "olive", PASSWORD),
      createUser(hub, "bob", PASSWORD),
      createUser(hub, "mei", PASSWORD),
      createUser(hub, "kai", PASSWORD),
    ]);
    await Promise.all([
      pushGated(hub, owner),
      pushModel(hub, "olive/open-model", { "README.md": card("license: mit", "# Open\n") }),
    ]);
  });

  after(async () => {
    await browser.close();
    await hub.stop();
  });

  it("offers the tab only on gated models, and asks anonymous visitors to sign in first", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await page.goto(`${hub.url}/olive/open-model`);
    await page.getByRole("link", { name: "Files" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "Request access" }).count(), 0);

    await page.goto(`${hub.url}/${MODEL}`);
    await page.getByRole("link", { name: "Request access" }).click();
    await page.getByRole("heading", { name: "Ask for access to Llama Lite" }).waitFor();
    const signInLink = page.locator("main").getByRole("link", { name: "Sign in" });
    assert.equal(
      await signInLink.getAttribute("href"),
      `/login?next=${encodeURIComponent(`/${MODEL}/request-access`)}`,
    );
    assert.equal(await page.locator("form.request-form").count(), 0);
    await expectAccessible(page, "the request-access tab, anonymous");
    await screenshot(page, "request-access-anonymous-en");
    await context.close();
  });

  it("takes a request in Chinese: checks it first, sends it, shows it pending, then granted, with a newer licence to accept", async () => {
    const context = await browser.newContext("zh-CN");
    const page = await context.newPage();
    await signIn(page, hub, "mei", PASSWORD);
    await page.goto(`${hub.url}/${MODEL}`);
    await page.getByRole("link", { name: "申请访问" }).click();
    await page.getByRole("heading", { name: "Ask for access to Llama Lite" }).waitFor();
    await page.getByRole("region", { name: "许可协议 llama3 的全文" }).waitFor();
    assert.match(await page.locator(".licence-text").innerText(), /Community Licence, version 1/);
    await expectAccessible(page, "the request form in Chinese");
    await screenshot(page, "request-access-form-zh");

    // Before any request, the hub refuses the file to this user.
    assert.equal((await page.request.get(fileUrl(hub, "v1"))).status(), 403);

    // The form is checked before it is sent: the box to agree and the licence are left unchecked.
    await fillAnswers(page, "Mei Lin", "英国");
    await page.getByRole("button", { name: "申请访问" }).click();
    const alert = page.locator(".request-form [role=alert]");
    await alert.waitFor();
    const alertText = await alert.innerText();
    assert.match(alertText, /有 2 项回答需要处理/);
    assert.match(alertText, new RegExp(`${AGREE}：须勾选此项才能申请访问。`));
    assert.match(alertText, /许可协议：须接受许可协议才能继续。/);
    assert.equal(
      await page.getByLabel(AGREE, { exact: true }).getAttribute("aria-invalid"),
      "true",
    );
    assert.equal(await page.locator(":focus").getAttribute("name"), AGREE);
    await expectAccessible(page, "the request form with its errors, in Chinese");
    await screenshot(page, "request-access-errors-zh");
    const none = await json<unknown[]>(
      hub.api("GET", `/api/models/${MODEL}/user-access-request/pending`, undefined, owner),
    );
    assert.deepEqual(none, []);

    await page.getByLabel(AGREE, { exact: true }).check();
    await page.getByLabel("我已阅读并接受上述许可协议（llama3）。").check();
    await page.getByRole("button", { name: "申请访问" }).click();
    await page.getByText("等待审批", { exact: true }).waitFor();
    assert.match(
      await page.locator(".standing").innerText(),
      /您已于 .+ 申请访问版本 v1，申请正在等待模型所有者审批。/,
    );
    await expectAccessible(page, "a pending request in Chinese");
    await screenshot(page, "request-access-pending-zh");

    const pending = await json<{ user: { user: string }; fields: Record<string, unknown> }[]>(
      hub.api("GET", `/api/models/${MODEL}/user-access-request/pending`, undefined, owner),
    );
    const [entry] = pending;
    assert.equal(pending.length, 1);
    assert.ok(entry !== undefined);
    assert.equal(entry.user.user, "mei");
    assert.deepEqual(entry.fields, {
      Name: "Mei Lin",
      Affiliation: "Institute of Small Models",
      "Date of birth": "1990-05-01",
      Country: "GB",
      "Intended use": "Research",
      [AGREE]: true,
    });
    assert.equal((await page.request.get(fileUrl(hub, "v1"))).status(), 403);

    // The owner approves through the API; the licence was accepted with the request.
    await json(
      hub.api(
        "POST",
        `/api/models/${MODEL}/user-access-request/handle`,
        { user: "mei", status: "accepted" },
        owner,
      ),
    );
    await page.reload();
    await page.getByText("已获访问权限", { exact: true }).waitFor();
    const granted = await page.locator(".standing").innerText();
    assert.match(granted, /已于 .+ 获得访问权限，有效期至 .+。/);
    assert.match(granted, /您可以下载版本 v1 的文件。/);
    assert.equal(await (await page.request.get(fileUrl(hub, "v1"))).text(), "weights of v1\n");

    // A newer version comes with a different licence text: the page asks for it before downloading.
    await publishGated(hub, owner, "v2", LICENCE_V2);
    await page.reload();
    await page.getByRole("heading", { name: "接受许可协议" }).waitFor();
    assert.match(
      await page.locator(".accept-step .licence-text").innerText(),
      /Community Licence, version 2/,
    );
    assert.equal((await page.request.get(fileUrl(hub, "v2"))).status(), 403);
    await page.getByRole("button", { name: "接受许可协议" }).click();
    await page.locator(".accept-step [role=alert]").waitFor();
    await expectAccessible(page, "the licence step in Chinese");
    await screenshot(page, "request-access-accept-zh");
    await page.getByLabel("我已阅读并接受上述许可协议（llama3）。").check();
    await page.getByRole("button", { name: "接受许可协议" }).click();
    await page.getByText("您可以下载版本 v2 的文件。").waitFor();
    assert.equal(await page.locator(".accept-step").count(), 0);
    const acceptances = await json<{ user: string; version: string; licenceSha256: string }[]>(
      hub.api("GET", `/api/models/${MODEL}/access/acceptances`, undefined, owner),
    );
    assert.ok(
      acceptances.some(
        (a) => a.user === "mei" && a.version === "v2" && a.licenceSha256 === sha256(LICENCE_V2),
      ),
    );
    await screenshot(page, "request-access-granted-zh");

    // The files tab's link downloads with the page's own session.
    await page.getByRole("link", { name: "前往文件" }).click();
    const link = page.getByRole("link", { name: "weights.bin" });
    const href = await link.getAttribute("href");
    assert.equal(href, `/${MODEL}/resolve/v2/weights.bin`);
    assert.equal(await (await page.request.get(`${hub.url}${href}`)).text(), "weights of v2\n");

    // My access lists the grant and the decided request, each linking to the model.
    await page.goto(`${hub.url}/settings/access`);
    await page.getByRole("heading", { name: "我的访问权限", level: 1 }).waitFor();
    const grantRow = page.locator("table").first().locator("tbody tr").first();
    const grantText = await grantRow.innerText();
    assert.match(grantText, /olive\/llama-lite/);
    assert.match(grantText, /所有受限版本/);
    assert.match(grantText, /有效/);
    const decided = page.getByRole("region", { name: "已处理的申请" });
    assert.match(await decided.innerText(), /已批准/);
    assert.equal(
      await grantRow.getByRole("link", { name: MODEL }).getAttribute("href"),
      `/${MODEL}`,
    );
    await expectAccessible(page, "My access in Chinese");
    await screenshot(page, "my-access-zh");
    await context.close();
  });

  it("shows the hub's refusal when the page is out of date, then the licence step of a grant given without a request", async () => {
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await signIn(page, hub, "kai", PASSWORD);
    await page.goto(tabUrl(hub));
    await page.getByRole("heading", { name: "Ask for access to Llama Lite" }).waitFor();
    await expectAccessible(page, "the request form in English");
    await screenshot(page, "request-access-form-en");
    await fillAnswers(page, "Kai Weber", "Germany");
    await page.getByLabel(AGREE, { exact: true }).check();
    await page.getByLabel("I have read the licence (llama3) above and accept it.").check();

    // Meanwhile the owner grants kai access directly: the hub refuses the now useless request.
    await json(
      hub.api("POST", `/api/models/${MODEL}/user-access-request/grant`, { user: "kai" }, owner),
    );
    await page.getByRole("button", { name: "Ask for access" }).click();
    const refusal = page.locator(".request-form .error[role=alert]");
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /kai already has access to olive\/llama-lite/);
    await screenshot(page, "request-access-refused-en");

    await page.reload();
    await page.getByText("Access granted", { exact: true }).waitFor();
    await page.getByRole("heading", { name: "Accept the licence" }).waitFor();
    assert.match(
      await page.locator(".standing").innerText(),
      /Accept the licence of version v2 below to download its files\./,
    );
    assert.equal((await page.request.get(fileUrl(hub, "v2"))).status(), 403);
    await expectAccessible(page, "the licence step in English");
    await screenshot(page, "request-access-accept-en");
    await page.getByLabel("I have read the licence (llama3) above and accept it.").check();
    await page.getByRole("button", { name: "Accept the licence" }).click();
    await page.getByText("You may download the files of version v2.").waitFor();
    assert.equal(await (await page.request.get(fileUrl(hub, "v2"))).text(), "weights of v2\n");

    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "My access" })
      .click();
    await page.getByRole("heading", { name: "Grants" }).waitFor();
    assert.match(await page.locator("table").first().innerText(), /olive\/llama-lite/);
    await expectAccessible(page, "My access in English");
    await screenshot(page, "my-access-en");
    await context.close();
  });

  it("shows a refusal with its reason, and no form when the owners take no new request", async () => {
    await json(
      hub.api(
        "POST",
        `/api/models/${MODEL}/access/requests`,
        {
          answers: {
            Name: "Bob",
            Affiliation: "Bob's Bots",
            "Date of birth": "1980-01-01",
            Country: "US",
            "Intended use": "commercial",
            [AGREE]: true,
          },
          acceptLicence: true,
        },
        bob,
      ),
    );
    await json(
      hub.api(
        "POST",
        `/api/models/${MODEL}/user-access-request/handle`,
        { user: "bob", status: "rejected", rejectionReason: "Commercial use is not covered" },
        owner,
      ),
    );
    const context = await browser.newContext("en");
    const page = await context.newPage();
    await signIn(page, hub, "bob", PASSWORD);
    await page.goto(tabUrl(hub));
    await page.getByText("Refused", { exact: true }).waitFor();
    const standing = await page.locator(".standing").innerText();
    assert.match(standing, /Reason: Commercial use is not covered/);
    assert.match(standing, /The owners take no new request after a refusal\./);
    assert.equal(await page.locator("form.request-form").count(), 0);
    await expectAccessible(page, "a refused request");
    await screenshot(page, "request-access-refused-reason-en");
    await context.close();
  });
});
