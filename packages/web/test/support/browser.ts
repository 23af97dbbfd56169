import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium; `.ci/run` installs it with apt when it is missing. */
const CHROMIUM = process.env.GATEHOUSE_TEST_CHROMIUM ?? "/usr/bin/chromium";

/** Where screenshots go: `test-results/` at the top of the repository, ignored by git. */
export const RESULTS_DIR = path.resolve(import.meta.dirname, "../../../../test-results");

/** A headless Chromium. */
export interface TestBrowser {
  /** A new window with its own cookies and storage, in `language` as the browser's language. */
  newContext(language?: "en" | "zh-CN"): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Chromium, headless; Playwright gives each launch a fresh profile in a temporary folder and removes it on close. */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
  return {
    newContext: (language = "en") =>
      browser.newContext({ locale: language, viewport: { width: 1280, height: 900 } }),
    close: () => browser.close(),
  };
}

/**
 * Fails when axe finds a serious or critical accessibility violation on the
 * page as it is now, naming each rule and the elements it found.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length > 0) {
    const lines = bad.map(
      (v) =>
        `${v.impact ?? ""} ${v.id}: ${v.help}\n    ${v.nodes
          .slice(0, 5)
          .map((n) => n.target.join(" "))
          .join("\n    ")}`,
    );
    throw new Error(`accessibility violations on ${what}:\n  ${lines.join("\n  ")}`);
  }
}

/** Saves a full-page screenshot as `test-results/<name>.png` and checks the file is not empty. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const { size } = await stat(file);
  if (size < 1000) {
    throw new Error(`the screenshot ${file} is only ${size} bytes`);
  }
  return file;
}
