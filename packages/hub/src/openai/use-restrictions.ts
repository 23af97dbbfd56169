import type { ModerationConfig } from "../config.js";
import { HubError } from "../errors/index.js";
import { useChecksOf, type CardData, type CheckedText, type UseCheck } from "../registry/index.js";

/** How long a caller is told to wait when the moderation endpoint did not answer. */
const MODERATION_RETRY_S = 5;

/** The moderation category that stands for the endpoint's own verdict, `flagged`. */
const FLAGGED = "flagged";

/**
 * The refusal of a call its version's acceptable-use terms forbid: 400 in
 * OpenAI's `content_policy_violation` shape, naming the restriction but not
 * what matched, so that the check cannot be probed for its words.
 */
function refusal(label: string, check: UseCheck, on: CheckedText, param: string | null): HubError {
  return new HubError(
    "CONTENT_POLICY",
    on === "prompt"
      ? `${label} refuses this prompt under its use restriction "${check.restriction}"; rewrite it within the model's acceptable-use terms`
      : `the output of ${label} was stopped under its use restriction "${check.restriction}"`,
    {
      reason: "content_policy_violation",
      restriction: check.restriction,
      on,
      ...(param === null ? {} : { param }),
    },
  );
}

/** Each text's moderation categories, true where the endpoint flagged it, in the texts' order. */
async function moderate(
  config: ModerationConfig | null,
  label: string,
  texts: readonly string[],
): Promise<Record<string, boolean>[]> {
  if (config === null) {
    throw new HubError(
      "UNAVAILABLE",
      `the use checks of ${label} ask a moderation endpoint and this hub has none; an administrator sets GATEHOUSE_MODERATION_URL`,
    );
  }
  const unavailable = (why: string) =>
    new HubError(
      "UNAVAILABLE",
      `the moderation endpoint the use checks of ${label} need ${why}; try again later`,
      { retryAfterSeconds: MODERATION_RETRY_S },
    );
  let response: Response;
  try {
    response = await fetch(config.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(config.key === null ? {} : { authorization: `Bearer ${config.key}` }),
      },
      body: JSON.stringify({ model: config.model, input: texts }),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch {
    throw unavailable("did not answer");
  }
  if (!response.ok) {
    throw unavailable(`answered ${response.status}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw unavailable("answered something that is not JSON");
  }
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length !== texts.length) {
    throw unavailable("answered without one result per text");
  }
  return results.map((r: unknown) => {
    const { flagged, categories } = (r ?? {}) as { flagged?: unknown; categories?: unknown };
    const verdict: Record<string, boolean> = { [FLAGGED]: flagged === true };
    if (typeof categories === "object" && categories !== null) {
      for (const [name, value] of Object.entries(categories)) {
        verdict[name] = value === true;
      }
    }
    return verdict;
  });
}

/**
 * The use checks of one called version (its card's `use_checks`,
 * docs/use-checks.md): prompts are checked whole before the call is let
 * through its limits, outputs as they grow (GuardedOutput) and whole when
 * they end, when the moderation endpoint is asked too.
 */
export class UseRestrictions {
  private constructor(
    private readonly label: string,
    private readonly checks: readonly UseCheck[],
    private readonly moderation: ModerationConfig | null,
  ) {}

  /** The version's checks; null when its card lists none, so that calls without them pay nothing. */
  static of(
    label: string,
    card: CardData | null,
    moderation: ModerationConfig | null,
  ): UseRestrictions | null {
    const checks = useChecksOf(card);
    return checks.length === 0 ? null : new UseRestrictions(label, checks, moderation);
  }

  private applying(on: CheckedText): UseCheck[] {
    return this.checks.filter((c) => c.on.includes(on));
  }

  /** The first check whose patterns or words match `text`. */
  private matching(on: CheckedText, text: string): UseCheck | undefined {
    return this.applying(on).find((c) => c.matcher?.test(text) === true);
  }

  /** The first check the moderation endpoint's verdict on any of `texts` trips. */
  private async moderated(
    on: CheckedText,
    texts: readonly string[],
  ): Promise<UseCheck | undefined> {
    const checks = this.applying(on).filter((c) => c.moderation.length > 0);
    if (checks.length === 0 || texts.length === 0) {
      return undefined;
    }
    const verdicts = await moderate(this.moderation, this.label, texts);
    return checks.find((c) => verdicts.some((v) => c.moderation.some((name) => v[name] === true)));
  }

  /** Refuses prompts (the caller's own text: a chat's messages, not its template) that a check forbids. */
  async checkPrompts(texts: readonly string[], param: string): Promise<void> {
    const tripped =
      texts.map((t) => this.matching("prompt", t)).find((c) => c !== undefined) ??
      (await this.moderated("prompt", texts));
    if (tripped !== undefined) {
      throw refusal(this.label, tripped, "prompt", param);
    }
  }

  /** Refuses an output, or the part of one written so far, whose text a check's patterns or words match. */
  checkText(text: string): void {
    const tripped = this.matching("output", text);
    if (tripped !== undefined) {
      throw refusal(this.label, tripped, "output", null);
    }
  }

  /** A guard for one choice's output as it streams. */
  guard(): GuardedOutput {
    return new GuardedOutput(this);
  }

  /** Refuses finished outputs that a check forbids, the moderation endpoint asked once for all. */
  async checkOutputs(texts: readonly string[]): Promise<void> {
    const tripped =
      texts.map((t) => this.matching("output", t)).find((c) => c !== undefined) ??
      (await this.moderated("output", texts));
    if (tripped !== undefined) {
      throw refusal(this.label, tripped, "output", null);
    }
  }
}

/**
 * One choice's output as it streams: each new piece is let out only up to
 * the last word's end, once the text so far passed the checks, so that a
 * refused word is never sent and a word still being written is not taken for
 * a shorter one it begins with.
 */
export class GuardedOutput {
  private text = "";
  private sent = 0;

  constructor(private readonly restrictions: UseRestrictions) {}

  /** Adds a piece; answers the text that may go out now (perhaps none), or throws the refusal. */
  add(piece: string): string {
    this.text += piece;
    const settled = lastBoundary(this.text);
    if (settled <= this.sent) {
      return "";
    }
    this.restrictions.checkText(this.text.slice(0, settled));
    const out = this.text.slice(this.sent, settled);
    this.sent = settled;
    return out;
  }

  /** The text so far, sent or held back. */
  get whole(): string {
    return this.text;
  }

  /** The output ended: checks it whole and answers what was held back. */
  end(): string {
    this.restrictions.checkText(this.text);
    const out = this.text.slice(this.sent);
    this.sent = this.text.length;
    return out;
  }
}

/** Where the last character that is not part of a word ends; 0 when every character is. */
function lastBoundary(text: string): number {
  const match = /[^\p{L}\p{N}_](?=[\p{L}\p{N}_]*$)/u.exec(text);
  return match === null ? 0 : match.index + match[0].length;
}
