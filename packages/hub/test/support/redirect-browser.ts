import assert from "node:assert/strict";

/**
 * A browser as far as a sign-in needs one: cookies kept per host (by name;
 * paths and attributes aside) and redirects followed by hand, so a test sees
 * each hop. Enough for the hub and oidc-provider's development forms.
 */
export class RedirectBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  /** The cookies this browser holds for `url`'s host, as a `Cookie` header. */
  cookieFor(url: string): string {
    const jar = this.jars.get(new URL(url).host) ?? new Map<string, string>();
    return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Forgets one cookie of `url`'s host, as an expired one would be. */
  forget(url: string, name: string): void {
    this.jars.get(new URL(url).host)?.delete(name);
  }

  /** One request, without following a redirect; `form` is posted urlencoded. */
  async send(url: string, form?: Record<string, string>): Promise<Response> {
    const cookie = this.cookieFor(url);
    const res = await fetch(url, {
      method: form === undefined ? "GET" : "POST",
      redirect: "manual",
      headers: {
        ...(cookie === "" ? {} : { cookie }),
        ...(form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" }),
      },
      ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() }),
    });
    const host = new URL(url).host;
    const jar = this.jars.get(host) ?? new Map<string, string>();
    this.jars.set(host, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(/;\s*/);
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const gone = attrs.some((a) => /^max-age=0$|^expires=thu, 01 jan 1970/i.test(a));
      if (gone || value === "") {
        jar.delete(name);
      } else {
        jar.set(name, value);
      }
    }
    return res;
  }

  /** Where a redirect points, absolute. */
  static location(res: Response, from: string): string {
    const to = res.headers.get("location");
    assert.ok(to !== null, `no Location on a ${res.status} from ${from}`);
    return new URL(to, from).href;
  }
}

/**
 * Signs in at an oidc-provider from `startUrl` (the hub's start route) as
 * `login`, following its login and consent forms (fields from its
 * development views: `prompt`, `login`, `password`), or aborting at the first
 * form when `abort` is set. Returns the URL the provider sends the browser
 * back to, on `hubUrl`, without visiting it.
 */
export async function throughProvider(
  browser: RedirectBrowser,
  startUrl: string,
  hubUrl: string,
  login: string,
  options: { abort?: boolean } = {},
): Promise<string> {
  let url = startUrl;
  for (let hop = 0; hop < 12; hop += 1) {
    if (hop > 0 && url.startsWith(hubUrl)) {
      return url;
    }
    const res = await browser.send(url);
    if (res.status >= 300 && res.status < 400) {
      url = RedirectBrowser.location(res, url);
      continue;
    }
    const html = await res.text();
    assert.equal(res.status, 200, `${url}: ${html.slice(0, 500)}`);
    if (options.abort === true) {
      url = `${url}/abort`;
      continue;
    }
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    assert.ok(
      prompt === "login" || prompt === "consent",
      `no form at ${url}: ${html.slice(0, 500)}`,
    );
    const form: Record<string, string> =
      prompt === "login" ? { prompt, login, password: "any password" } : { prompt };
    const posted = await browser.send(url, form);
    url = RedirectBrowser.location(posted, url);
  }
  assert.fail(`the sign-in at the provider did not come back to ${hubUrl}`);
}
