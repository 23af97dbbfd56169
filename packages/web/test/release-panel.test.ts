import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import {
  expectAccessible,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "./support/browser.js";
import { browserDialect, startWebHub, type WebHub } from "./support/hub.js";
import { card } from "./support/models.js";
import {
  attachEthicsReview,
  policyDir,
  publishModel,
  TWO_PERSON_POLICY,
} from "./support/release-policy.js";
import { signedInWindows, type SignedInWindows } from "./support/signed-in-windows.js";
import { createOrg, createUsers } from "./support/users.js";

const PASSWORD = "correct horse battery staple";
const WEIGHTS = "the weights of a model that needs two reviewers\n";
const FILES = {
  "README.md": card("license: apache-2.0", "# Risky\n\nA model two reviewers must approve.\n"),
  "model.bin": WEIGHTS,
};

interface TransitionBody {
  readonly status: string;
  readonly to: string;
  readonly at: string | null;
}

/** A time two days ahead as a `datetime-local` input takes it, in the browser's (this machine's) time zone. */
function inTwoDays(): string {
  const d = new Date(Date.now() + 2 * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const dialect = browserDialect("postgres");

describe(`the release panel and sign-offs in a real browser (${dialect})`, () => {
  let hub: WebHub;
  let browser: TestBrowser;
  let windows: SignedInWindows;
  let policy: string;
  let token: (name: string) => string;

  before(async () => {
    policy = await policyDir(TWO_PERSON_POLICY);
    hub = await startWebHub(dialect, { GATEHOUSE_POLICY_DIR: policy });
    browser = await launchBrowser();
    windows = signedInWindows(browser, hub, PASSWORD);
    token = await createUsers(hub, ["alice", "rita", "rob", "carl", "olga"], PASSWORD);
    await createOrg(hub, "acme", token("alice"), [
      ["rita", "reviewer"],
      ["rob", "reviewer"],
      ["carl", "member"],
    ]);
    for (const model of ["acme/risky", "acme/later", "acme/moving", "acme/quiet"]) {
      await publishModel(hub, model, FILES, "internal", token("alice"));
    }
  });

  after(async () => {
    await windows.close();
    await browser.close();
    await hub.stop();
    await rm(policy, { recursive: true, force: true });
  });

  const as: SignedInWindows["open"] = (name, path, language) => windows.open(name, path, language);

  const transitions = async (model: string): Promise<TransitionBody[]> => {
    const answer = await hub.api("GET", `/api/models/${model}/transitions?version=v1`);
    return (await answer.json()) as TransitionBody[];
  };
  const stageOf = async (model: string): Promise<unknown> => {
    const answer = await hub.api("GET", `/api/models/${model}/versions/v1`);
    return ((await answer.json()) as { stage: unknown }).stage;
  };

  async function requestChange(page: Page, to: string, reason: string): Promise<void> {
    await page.getByLabel("Move to").selectOption(to);
    await page.getByLabel("Reason (kept in the audit log)").fill(reason);
    await page.getByRole("button", { name: "Request the change" }).click();
  }

  it("shows a refused change rule by rule, then, once two reviewers approve in their inbox, the new stage", async () => {
    const alice = await as("alice", "/acme/risky");
    await alice.getByRole("link", { name: "Release" }).click();
    await alice.getByRole("heading", { name: "Release", level: 2 }).waitFor();
    await requestChange(alice, "gated", "partners asked for the weights");
    const refusal = alice.getByRole("alert");
    await refusal
      .getByText("The release policy refused the move to Gated. Nothing changed.")
      .waitFor();
    assert.match(
      await refusal.locator("tr[data-rule='ethics-review-attached']").innerText(),
      /Failed\s+attach a passing ethics-review report/,
    );
    assert.match(
      await refusal.locator("tr[data-rule='two-reviewers']").innerText(),
      /Waiting for sign-offs\s+two different reviewers \(not the author\) must approve/,
    );
    await alice.getByText("No evidence is attached to this version.").waitFor();
    assert.equal((await transitions("acme/risky"))[0]?.status, "refused");
    assert.equal(await stageOf("acme/risky"), "internal");
    await expectAccessible(alice, "the release panel with a refusal");
    await screenshot(alice, "release-refused-en");

    await attachEthicsReview(
      hub,
      "acme/risky@v1",
      { path: "model.bin", content: WEIGHTS },
      token("alice"),
    );
    await alice.reload();
    const evidence = alice.locator("table.evidence");
    assert.match(
      await evidence.innerText(),
      /Ethics review\s+Attested by the publisher\s+Passed\s+Fresh/,
    );
    await requestChange(alice, "gated", "partners asked for the weights");
    await alice
      .getByText("Requested: the move to Gated is pending until its sign-offs are given.")
      .waitFor();
    const pending = alice.locator(".pending-change");
    await pending.getByText("2 more approvals needed.").waitFor();
    await pending.getByText("Who may approve: rita, rob (hub administrators may too).").waitFor();
    assert.match(
      await pending.locator("tr[data-rule='ethics-review-attached']").innerText(),
      /Passed/,
    );
    await expectAccessible(alice, "the release panel with a pending change");
    await screenshot(alice, "release-pending-en");

    const rita = await as("rita", "/settings/inbox");
    const item = rita.getByRole("article", { name: "acme/risky@v1: Internal → Gated" });
    await item.waitFor();
    assert.match(
      await item.locator("tr[data-rule='two-reviewers']").innerText(),
      /Waiting for sign-offs/,
    );
    assert.match(await item.locator("table.evidence").innerText(), /Ethics review/);
    await item.getByText("2 more approvals needed.").waitFor();
    await expectAccessible(rita, "the inbox with a change to sign off");
    await screenshot(rita, "inbox-signoff-en");
    await item.getByLabel("Your comment").fill("The ethics review covers the partners' use.");
    await item.getByRole("button", { name: "Approve acme/risky@v1" }).click();
    await rita
      .getByText("Your approval of acme/risky@v1 is recorded; the change still waits.")
      .waitFor();
    await rita.getByText("No stage change waits for your sign-off.").waitFor();
    await rita.close();

    await alice.reload();
    await pending.getByText("1 more approval needed.").waitFor();
    assert.match(
      await pending.locator("table.signoffs").innerText(),
      /rita\s+Approved\s+reviewer\s+The ethics review covers the partners' use\./,
    );

    const rob = await as("rob", "/settings/inbox", "zh-CN");
    const robsItem = rob.getByRole("article", { name: "acme/risky@v1：内部 → 受限访问" });
    await robsItem.getByText("还需要 1 个批准。").waitFor();
    await expectAccessible(rob, "the inbox in Chinese");
    await screenshot(rob, "inbox-signoff-zh");
    await robsItem.getByRole("button", { name: "批准 acme/risky@v1" }).click();
    await rob.getByText("您的批准完成了此变更：acme/risky@v1 现在的阶段为“受限访问”。").waitFor();
    await rob.close();

    await alice.reload();
    await alice.getByText("No change is pending for this version.").waitFor();
    assert.match(await alice.locator("table.release-versions").innerText(), /v1\s+Gated/);
    assert.equal(await stageOf("acme/risky"), "gated");
    await screenshot(alice, "release-done-en");
    await alice.close();
  });

  it("checks the form before sending it, then schedules an embargo and cancels it", async () => {
    const alice = await as("alice", "/acme/later/release");
    await alice.getByLabel("Move to").selectOption("staged");
    await alice.getByLabel("Schedule for a later time (an embargo)").check();
    await alice.getByRole("button", { name: "Schedule the change" }).click();
    await alice.getByText("Say why: the reason is kept with the change.").waitFor();
    await alice.getByText("Give the date and time the change should run.").waitFor();
    assert.equal(
      await alice.getByLabel("Reason (kept in the audit log)").getAttribute("aria-invalid"),
      "true",
    );
    assert.equal((await transitions("acme/later")).length, 1, "nothing was sent");

    await alice.getByLabel("Reason (kept in the audit log)").fill("at the launch event");
    await alice.getByLabel("Run at").fill(inTwoDays());
    await alice.getByRole("button", { name: "Schedule the change" }).click();
    await alice
      .getByText(
        "Scheduled: the move to Staged runs at the time given if the policy allows it then.",
      )
      .waitFor();
    await alice.locator(".pending-change .embargo").waitFor();
    const [scheduled] = await transitions("acme/later");
    assert.equal(scheduled?.status, "pending");
    assert.equal(scheduled.to, "staged");
    assert.ok(scheduled.at !== null && Date.parse(scheduled.at) > Date.now());
    await expectAccessible(alice, "the release panel with an embargo");
    await screenshot(alice, "release-embargo-en");

    await alice.getByRole("button", { name: "Cancel the scheduled change" }).click();
    await alice.getByText("No change is pending for this version.").waitFor();
    assert.equal((await transitions("acme/later"))[0]?.status, "cancelled");
    assert.equal(await stageOf("acme/later"), "internal");
    await alice.close();
  });

  it("moves a version at once, and the model's header follows without losing a draft", async () => {
    const alice = await as("alice", "/acme/moving/release");
    const header = alice.locator(".model-header");
    await header.locator(".badge.stage-internal").waitFor();
    // A page that said "loading" while it asked again would have thrown this away.
    await alice.getByLabel("Reason (shown on the tombstone)").fill("a draft");
    await requestChange(alice, "staged", "the partners' staging starts");
    await alice.getByText("Version v1 is now Staged.").waitFor();
    await header.locator(".badge.stage-staged").waitFor();
    assert.equal(await alice.getByLabel("Reason (shown on the tombstone)").inputValue(), "a draft");
    assert.equal(await stageOf("acme/moving"), "staged");
    await alice.close();
  });

  it("names the base's terms a derivative breaks under the rule that refused it", async () => {
    await publishModel(
      hub,
      "acme/rail-base",
      { "README.md": card("license: openrail", "# Base\n\nA base under OpenRAIL-M.\n") },
      "internal",
      token("alice"),
    );
    const derived = card(
      "license: apache-2.0\nbase_model: acme/rail-base\nbase_model_relation: finetune",
      "# Derived\n\nA fine-tune that forgot its base's terms.\n",
    );
    await publishModel(hub, "acme/derived", { "README.md": derived }, "internal", token("alice"));
    const alice = await as("alice", "/acme/derived/release");
    await requestChange(alice, "gated", "partners asked for the weights");
    const row = alice.getByRole("alert").locator("tr[data-rule='lineage-clean']");
    await row.waitFor();
    assert.match(
      await row.locator(".rule-findings").innerText(),
      /lineage-restrictions-dropped base acme\/rail-base@v1 is under openrail, .* but Apache-2\.0 drops .*medical-advice/,
    );
    await expectAccessible(alice, "a refusal with lineage findings");
    await screenshot(alice, "release-lineage-en");
    await alice.close();
  });

  it("withdraws a version with a reason, which its tombstone shows on the versions lists", async () => {
    const alice = await as("alice", "/acme/later/release");
    await alice.getByLabel("Reason (shown on the tombstone)").fill("leaks training data");
    await alice.getByRole("button", { name: "Withdraw v1" }).click();
    await alice.getByText("Confirm that downloads of this version stop.").waitFor();
    assert.equal(await stageOf("acme/later"), "internal");
    await alice.getByLabel("I understand that v1 can no longer be downloaded by anyone").check();
    await alice.getByRole("button", { name: "Withdraw v1" }).click();
    const row = alice.locator("table.release-versions tr", { hasText: "v1" });
    await row.getByText("Reason: leaks training data").waitFor();
    assert.match(await row.innerText(), /Withdrawn/);
    const tombstone = await hub.api("GET", "/api/models/acme/later/versions/v1");
    const body = (await tombstone.json()) as { stage: string; reason: string };
    assert.deepEqual([body.stage, body.reason], ["withdrawn", "leaks training data"]);
    await alice.getByRole("link", { name: "Versions" }).click();
    const listed = alice.getByRole("row", { name: /v1/ });
    await listed.getByText("Reason: leaks training data").waitFor();
    await expectAccessible(alice, "the versions list with a tombstone");
    await screenshot(alice, "versions-tombstone-en");
    await alice.close();
  });

  it("speaks Chinese in the release panel", async () => {
    const alice = await as("alice", "/acme/risky/release", "zh-CN");
    await alice.getByRole("heading", { name: "发布", level: 2 }).waitFor();
    await alice.locator("table.evidence").getByText("伦理审查").waitFor();
    await alice.getByLabel("变更为").selectOption("open");
    await alice.getByRole("button", { name: "按策略检查" }).click();
    await alice
      .locator(".policy-preview tr[data-rule='two-reviewers']")
      .getByText("等待签核")
      .waitFor();
    await expectAccessible(alice, "the release panel in Chinese");
    await screenshot(alice, "release-panel-zh");
    await alice.close();
  });

  it("hides the release panel and its data from those who may not release", async () => {
    const carl = await as("carl", "/acme/risky");
    await carl.getByRole("link", { name: "Versions" }).waitFor();
    assert.equal(await carl.getByRole("link", { name: "Release" }).count(), 0);
    await carl.goto(`${hub.url}/acme/risky/release`);
    await carl.getByRole("heading", { name: "Not found" }).waitFor();
    await carl.close();
    const member = await hub.api(
      "GET",
      "/api/models/acme/risky/versions/v1/policy-check?to=open",
      undefined,
      token("carl"),
    );
    assert.equal(member.status, 403);
    assert.equal(((await member.json()) as { code: string }).code, "FORBIDDEN");

    // acme/quiet stays internal: an outsider may not know it exists.
    const olga = await as("olga", "/acme/quiet/release");
    await olga.getByRole("heading", { name: "Not found" }).waitFor();
    await olga.close();
    for (const path of [
      "/api/models/acme/quiet/versions/v1/transitions/pending",
      "/api/models/acme/quiet/versions/v1/policy-check?to=open",
      "/api/models/acme/quiet/versions/v1/evidence",
      "/api/models/acme/quiet/transitions?version=v1",
    ]) {
      const outsider = await hub.api("GET", path, undefined, token("olga"));
      assert.equal(outsider.status, 404, path);
      assert.equal(((await outsider.json()) as { code: string }).code, "REPO_NOT_FOUND", path);
    }
  });
});
