import type { BrowserContext, Page } from "playwright-core";
import type { TestBrowser } from "./browser.js";
import type { WebHub } from "./hub.js";
import { signIn } from "./users.js";

/**
 * One signed-in window per user and language, kept for a whole test file:
 * signing in hashes a password, which is slow on purpose.
 */
export interface SignedInWindows {
  /** A new page in `name`'s signed-in window, at `path`. */
  open(name: string, path: string, language?: "en" | "zh-CN"): Promise<Page>;
  /** Closes every window opened. */
  close(): Promise<void>;
}

/** Windows of users who all have `password`, signed in on first use. */
export function signedInWindows(
  browser: TestBrowser,
  hub: WebHub,
  password: string,
): SignedInWindows {
  const windows = new Map<string, BrowserContext>();
  return {
    async open(name, path, language = "en") {
      let context = windows.get(`${name} ${language}`);
      if (context === undefined) {
        context = await browser.newContext(language);
        windows.set(`${name} ${language}`, context);
        await signIn(await context.newPage(), hub, name, password);
      }
      const page = await context.newPage();
      await page.goto(`${hub.url}${path}`);
      return page;
    },
    async close() {
      for (const context of windows.values()) {
        await context.close();
      }
    },
  };
}
