import { Template } from "@huggingface/jinja";
import { HubError } from "../errors/index.js";
import type { CardData } from "../registry/index.js";

/** A chat message as the request gives it: its content a string, or parts of text. */
export interface ChatMessage {
  readonly role: "system" | "developer" | "user" | "assistant";
  readonly content: string | readonly { readonly type: "text"; readonly text: string }[];
  readonly name?: string;
}

/** The card field naming the template, as in a Hugging Face tokenizer_config.json. */
export const CHAT_TEMPLATE_FIELD = "chat_template";

/** A message's text: its parts of text joined. */
export const textOf = (message: ChatMessage): string =>
  typeof message.content === "string"
    ? message.content
    : message.content.map((part) => part.text).join("");

/**
 * The prompt a chat becomes: the Jinja template the version's card states in
 * `chat_template` (the Hugging Face convention), rendered with the messages
 * and `add_generation_prompt`, so the model continues as the assistant. A
 * version whose card states none cannot chat, and the refusal says how to fix
 * it; a template that fails on these messages answers 400 with its error.
 */
export function chatPrompt(
  label: string,
  card: CardData | null,
  messages: readonly ChatMessage[],
  eosToken: string,
): string {
  const source = card?.[CHAT_TEMPLATE_FIELD];
  if (typeof source !== "string" || source.trim() === "") {
    throw new HubError(
      "BAD_REQUEST",
      `${label} states no chat template in its card; call POST /v1/completions with a prompt, or publish a version whose card sets ${CHAT_TEMPLATE_FIELD}`,
      { param: "messages" },
    );
  }
  try {
    return new Template(source).render({
      messages: messages.map((m) => ({
        role: m.role,
        content: textOf(m),
        ...(m.name === undefined ? {} : { name: m.name }),
      })),
      add_generation_prompt: true,
      bos_token: "",
      eos_token: eosToken,
    });
  } catch (err) {
    throw new HubError(
      "BAD_REQUEST",
      `the chat template of ${label} failed on these messages: ${(err as Error).message}`,
      { param: "messages" },
    );
  }
}
