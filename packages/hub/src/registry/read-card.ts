import { buffer } from "node:stream/consumers";
import type { Actor } from "../auth/index.js";
import type { HubContext } from "../context.js";
import { loadModel } from "./load-model.js";
import { cardText, splitCard } from "./model-card.js";
import { CARD_PATH } from "./upload-file.js";
import { resolveVersion } from "./versions.js";

/** A version's model card as the web UI shows it. */
export interface CardView {
  readonly version: string;
  /** The Markdown after the front matter; empty when the version has no README.md. */
  readonly markdown: string;
}

/**
 * The card of the version `revision` names, for anyone who may see the
 * version: seeing a gated model's card needs no grant, as on the Hugging Face
 * Hub, though downloading its README.md does. Cards are at most
 * MAX_CARD_BYTES, checked at upload, so one is read whole; its Markdown is
 * then kept by the blob's hash (`caches.cards`).
 */
export async function readCard(
  ctx: HubContext,
  actor: Actor,
  namespace: string,
  name: string,
  revision: string,
): Promise<CardView> {
  const model = await loadModel(ctx, actor, namespace, name, "version.see");
  const { version } = await resolveVersion(ctx, actor, model, revision);
  const file = version.files.find((f) => f.path === CARD_PATH);
  if (file === undefined) {
    return { version: version.name, markdown: "" };
  }
  let markdown = ctx.caches.cards.get(file.sha256);
  if (markdown === undefined) {
    markdown = splitCard(cardText(await buffer(ctx.blobs.read(file.sha256)))).body ?? "";
    ctx.caches.cards.set(file.sha256, markdown);
  }
  return { version: version.name, markdown };
}
