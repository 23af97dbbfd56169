import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import {
  expectAccessible,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "./support/browser.js";
import { browserDialect, startWebHub, type WebHub } from "./support/hub.js";
import { card, pushModel } from "./support/models.js";
import { createUser, signIn } from "./support/users.js";
import { startReceiver, type WebhookReceiver } from "./support/webhook-receiver.js";

const PASSWORD = "a long enough test password";

interface Member {
  readonly user: string;
  readonly role: string;
  readonly signoffRoles: string[];
}

interface Delivery {
  readonly id: string;
  readonly status: string;
  readonly redeliveryOf: string | null;
  readonly log: readonly { statusCode: number | null }[];
}

const dialect = browserDialect("postgres");

describe(`organisation administration in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;
  let receiver: WebhookReceiver;
  let olga: string;

  async function members(): Promise<Member[]> {
    const res = await hub.api("GET", "/api/orgs/acme/members");
    assert.equal(res.status, 200);
    return ((await res.json()) as { members: Member[] }).members;
  }

  async function signedIn(name: string, language: "en" | "zh-CN" = "en"): Promise<Page> {
    const context = await browser.newContext(language);
    const page = await context.newPage();
    await signIn(page, hub, name, PASSWORD);
    return page;
  }

  before(async () => {
    receiver = await startReceiver();
    hub = await startWebHub(dialect, {
      GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: "true",
      GATEHOUSE_WEBHOOK_INTERVAL: "1",
    });
    browser = await launchBrowser();
    olga = await createUser(hub, "olga", PASSWORD);
    for (const name of ["rolf", "mia", "xena"]) {
      await createUser(hub, name, PASSWORD);
    }
    assert.equal((await hub.api("POST", "/api/orgs", { name: "acme" }, olga)).status, 201);
    assert.equal(
      (await hub.api("PUT", "/api/orgs/acme/members/mia", { role: "member" }, olga)).status,
      200,
    );
  });

  after(async () => {
    await browser.close();
    await hub.stop();
    await receiver.close();
  });

  it("lets an owner add a member with a role and sign-off roles, change them and remove them", async () => {
    const page = await signedIn("olga");
    await page.getByRole("link", { name: "Organisations" }).click();
    const row = page.getByRole("row", { name: /acme/ });
    assert.match(await row.innerText(), /acme\s+Owner/);
    await page.getByRole("link", { name: "acme" }).click();
    await page.getByRole("heading", { name: "Members" }).waitFor();

    // What the page refuses before asking the hub, and what the hub refuses.
    await page.getByRole("button", { name: "Add member" }).click();
    await page.getByText("Give the name of the user to add.").waitFor();
    await page.getByLabel("User name").fill("nobody-here");
    await page.getByRole("button", { name: "Add member" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: 'user "nobody-here" does not exist' })
      .waitFor();

    await page.getByLabel("User name").fill("rolf");
    await page.getByLabel("Role", { exact: true }).selectOption("reviewer");
    await page.getByLabel("Sign-off roles (optional)").fill("ceo, safety-lead");
    await page.getByRole("button", { name: "Add member" }).click();
    await page.getByRole("status").filter({ hasText: "Added rolf as Reviewer." }).waitFor();
    await page.getByRole("rowheader", { name: "rolf" }).waitFor();
    assert.deepEqual(
      (await members()).find((m) => m.user === "rolf"),
      { user: "rolf", role: "reviewer", signoffRoles: ["ceo", "safety-lead"] },
    );
    await expectAccessible(page, "an organisation's members, as its owner");
    await screenshot(page, "org-members-en");

    const signoff = page.getByLabel("Sign-off roles of rolf");
    await signoff.fill("Chief Officer");
    await page.getByText("“Chief” is not a sign-off role").waitFor();
    assert.equal(await page.getByRole("button", { name: "Save rolf" }).isDisabled(), true);
    await signoff.fill("ceo");
    await page.getByLabel("Role of rolf").selectOption("maintainer");
    await page.getByRole("button", { name: "Save rolf" }).click();
    await page.getByRole("status").filter({ hasText: "Saved the changes to rolf." }).waitFor();
    assert.deepEqual(
      (await members()).find((m) => m.user === "rolf"),
      { user: "rolf", role: "maintainer", signoffRoles: ["ceo"] },
    );

    // The hub keeps an owner: demoting the last one is refused in its words.
    await page.getByLabel("Role of olga").selectOption("member");
    await page.getByRole("button", { name: "Save olga" }).click();
    await page.getByRole("alert").filter({ hasText: '"acme" would have no owner left' }).waitFor();

    await page.getByRole("button", { name: "Remove mia" }).click();
    await page.getByRole("button", { name: "Remove mia now" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Removed mia from the organisation." })
      .waitFor();
    assert.deepEqual(
      (await members()).map((m) => m.user),
      ["olga", "rolf"],
    );
    assert.equal(
      (await hub.api("PUT", "/api/orgs/acme/members/mia", { role: "member" }, olga)).status,
      200,
    );
    await page.context().close();
  });

  it("creates a webhook whose deliveries show in its log, redelivers one, changes, disables and deletes it", async () => {
    const page = await signedIn("olga");
    await page.goto(`${hub.url}/organizations/acme/webhooks`);
    await page.getByRole("heading", { name: "Webhooks", level: 2 }).waitFor();
    await page.getByText("No webhook subscriptions yet.").waitFor();

    await page.getByRole("button", { name: "Create subscription" }).click();
    await page.getByText("Give the URL the events are sent to.").waitFor();
    await page.getByText("Choose at least one event.").waitFor();
    await page.getByLabel("Receiver URL").fill("ftp://example.com/hook");
    await page.getByRole("button", { name: "Create subscription" }).click();
    await page.getByText("The URL must start with http:// or https://.").waitFor();

    await page.getByLabel("Receiver URL").fill(receiver.url);
    await page.getByLabel(/Version published/).check();
    await page.getByLabel("Description (optional)").fill("the release bot");
    await page.getByRole("button", { name: "Create subscription" }).click();
    const secret = (await page.locator(".secret-value").innerText()).trim();
    assert.match(secret, /^whsec_/);
    await page.getByRole("row", { name: new RegExp(receiver.url) }).waitFor();
    await expectAccessible(page, "an organisation's webhooks, with a new secret");
    await screenshot(page, "org-webhooks-en");
    await page.getByRole("button", { name: "I have stored the secret" }).click();
    assert.equal(await page.locator(".secret-value").count(), 0);

    await page.getByRole("link", { name: receiver.url }).click();
    await page.getByRole("heading", { name: "Delivery log" }).waitFor();
    await page.getByText("Nothing delivered yet.").waitFor();

    // An event of the namespace: a version published in acme.
    await pushModel(
      hub,
      "acme/classifier",
      { "README.md": card("license: mit", "# C\n") },
      {
        token: olga,
      },
    );
    await receiver.waitForCount(1);
    const first = receiver.received[0];
    assert.ok(first !== undefined);
    const event = new Webhook(secret).verify(first.body, {
      "webhook-id": String(first.headers["webhook-id"]),
      "webhook-timestamp": String(first.headers["webhook-timestamp"]),
      "webhook-signature": String(first.headers["webhook-signature"]),
    }) as { type: string };
    assert.equal(event.type, "version.published");
    await page.getByRole("button", { name: "Refresh" }).click();
    const delivery = page.locator("li.delivery").first();
    await delivery.getByText("Delivered").waitFor();
    assert.match(await delivery.locator("table.attempts").innerText(), /\b204\b/);

    await page.getByRole("button", { name: /^Redeliver version\.published/ }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "version.published is queued to be delivered again." })
      .waitFor();
    await receiver.waitForCount(2);
    await page
      .locator("li.delivery")
      .filter({ hasText: "A redelivery." })
      .getByText("Delivered")
      .waitFor();
    assert.equal(receiver.received[1]?.headers["webhook-id"], first.headers["webhook-id"]);
    const [subscription] = (await (
      await hub.api("GET", "/api/namespaces/acme/webhooks", undefined, olga)
    ).json()) as { id: string }[];
    assert.ok(subscription !== undefined);
    const deliveries = (await (
      await hub.api(
        "GET",
        `/api/namespaces/acme/webhooks/${subscription.id}/deliveries`,
        undefined,
        olga,
      )
    ).json()) as Delivery[];
    assert.equal(deliveries.length, 2);
    assert.equal(deliveries[0]?.redeliveryOf, deliveries[1]?.id);
    assert.deepEqual(
      deliveries.map((d) => [d.status, d.log.map((a) => a.statusCode)]),
      [
        ["delivered", [204]],
        ["delivered", [204]],
      ],
    );
    await expectAccessible(page, "a webhook's page with its delivery log");
    await screenshot(page, "org-webhook-en");

    await page.getByLabel("Description (optional)").fill("the release bot, renamed");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved the changes." }).waitFor();
    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByRole("status").filter({ hasText: "The subscription is disabled." }).waitFor();
    const changed = (await (
      await hub.api("GET", `/api/namespaces/acme/webhooks/${subscription.id}`, undefined, olga)
    ).json()) as { description: string; enabled: boolean };
    assert.deepEqual(changed, {
      ...changed,
      description: "the release bot, renamed",
      enabled: false,
    });
    // Redelivery to a disabled subscription is refused, in the hub's words.
    await page
      .getByRole("button", { name: /^Redeliver/ })
      .first()
      .click();
    await page
      .getByRole("alert")
      .filter({ hasText: /is disabled .*; enable it first/ })
      .waitFor();
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByRole("status").filter({ hasText: "The subscription is enabled." }).waitFor();

    await page.getByRole("button", { name: "Delete subscription" }).click();
    await page.getByRole("button", { name: "Delete it and its deliveries now" }).click();
    await page.getByText("No webhook subscriptions yet.").waitFor();
    assert.deepEqual(
      await (await hub.api("GET", "/api/namespaces/acme/webhooks", undefined, olga)).json(),
      [],
    );
    await page.context().close();
  });

  it("shows a member who is not an owner the members without controls, and the hub's refusal of the webhooks", async () => {
    const page = await signedIn("mia");
    await page.goto(`${hub.url}/organizations/acme`);
    await page.getByRole("heading", { name: "Members" }).waitFor();
    await page.getByText("Only owners change members, roles and sign-off roles.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Add member" }).count(), 0);
    assert.match(await page.locator("table.members").innerText(), /rolf\s+Maintainer\s+ceo/);
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: 'only owners and maintainers of "acme" may manage its webhooks' })
      .waitFor();
    await expectAccessible(page, "an organisation's webhooks, refused to a member");
    await page.context().close();
  });

  it("shows an outsider the hub's refusal, and an unknown organisation as not found", async () => {
    const page = await signedIn("xena");
    await page.goto(`${hub.url}/organizations/acme`);
    await page
      .getByRole("alert")
      .filter({ hasText: 'only members of "acme" may list its members' })
      .waitFor();
    await page.goto(`${hub.url}/organizations/nowhere`);
    await page.getByRole("heading", { name: "Not found" }).waitFor();
    await expectAccessible(page, "an unknown organisation");
    await page.context().close();
  });

  it("speaks Chinese on the members, webhooks and webhook pages", async () => {
    const page = await signedIn("olga", "zh-CN");
    await page.goto(`${hub.url}/organizations`);
    await page.getByRole("heading", { name: "组织", level: 1 }).waitFor();
    await screenshot(page, "org-list-zh");
    await page.getByRole("link", { name: "acme" }).click();
    await page.getByRole("heading", { name: "成员", exact: true }).waitFor();
    await page.getByLabel("签核角色（可选）").fill("Bad Role");
    await page.getByText("“Bad”不是有效的签核角色").waitFor();
    await expectAccessible(page, "the members page in Chinese");
    await screenshot(page, "org-members-zh");
    const created = await hub.api(
      "POST",
      "/api/namespaces/acme/webhooks",
      { url: receiver.url, events: ["version.withdrawn", "release.transitioned"] },
      olga,
    );
    const { id } = (await created.json()) as { id: string };
    await page.goto(`${hub.url}/organizations/acme/webhooks`);
    await page.getByRole("heading", { name: "添加订阅" }).waitFor();
    await expectAccessible(page, "the webhooks page in Chinese");
    await screenshot(page, "org-webhooks-zh");
    await page.goto(`${hub.url}/organizations/acme/webhooks/${id}`);
    await page.getByRole("heading", { name: "投递记录" }).waitFor();
    await expectAccessible(page, "a webhook's page in Chinese");
    await screenshot(page, "org-webhook-zh");
    await page.context().close();
  });
});
