import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/index.js";
import type { UsageEndpoint } from "../store/index.js";
import { inputSignature } from "./input-signature.js";
import { chatParts, promptParts, promptSignature, type PromptParts } from "./prompt-signature.js";

/**
 * What a call's usage record and the near-duplicate detector learn of its
 * inputs, which are never kept: the rows of its batch, the SHA-256 of the
 * inputs, and their MinHash signature.
 */
export interface CallInputs {
  readonly rows: number;
  readonly inputHash: string | null;
  readonly signature: Uint32Array | null;
}

const NO_INPUTS: CallInputs = { rows: 0, inputHash: null, signature: null };

/** The most rows a record holds: more than any real batch, far from the columns' limits. */
const MAX_RECORDED_ROWS = 1_000_000;

/**
 * An OIP inference body: rows (the first dimension of its first input), the
 * hash of its inputs (their JSON, then for a body with binary tensors the
 * tensor bytes that followed it, so that calls with other values differ) and
 * their signature, binary tensors included.
 */
function oipInputs(body: unknown, tensorBytes: Buffer | null): CallInputs {
  const inputs = (body as { inputs?: unknown } | null | undefined)?.inputs;
  if (!Array.isArray(inputs)) {
    return NO_INPUTS;
  }
  const first = (inputs[0] as { shape?: unknown } | undefined)?.shape;
  const rows = Array.isArray(first) && typeof first[0] === "number" ? first[0] : 0;
  return {
    // The body is recorded whatever it claims, refusals included: a shape beyond any real
    // batch is capped so that it fits the integer columns and their sums.
    rows: Number.isSafeInteger(rows) && rows >= 0 ? Math.min(rows, MAX_RECORDED_ROWS) : 0,
    inputHash: createHash("sha256")
      .update(canonicalJson(inputs))
      .update(tensorBytes ?? Buffer.alloc(0))
      .digest("hex"),
    signature: inputSignature(inputs, tensorBytes),
  };
}

/**
 * A language model's call, by the field of its body that holds the prompt:
 * the hash of that field as canonical JSON (so the same prompt sent again has
 * the same hash, whatever the sampling settings beside it) and the signature
 * of its text or token ids. A batch's rows are a tensor's; these count none.
 */
function promptInputs(
  field: "prompt" | "messages" | "input",
  partsOf: (value: unknown) => PromptParts,
): (body: unknown) => CallInputs {
  return (body) => {
    const value = (body as Record<string, unknown> | null | undefined)?.[field];
    if (value === undefined) {
      return NO_INPUTS;
    }
    return {
      rows: 0,
      inputHash: createHash("sha256").update(canonicalJson(value)).digest("hex"),
      signature: promptSignature(partsOf(value)),
    };
  };
}

/** How each endpoint's inputs are read: a new endpoint must say. */
const INPUTS_OF: Readonly<
  Record<UsageEndpoint, (body: unknown, tensorBytes: Buffer | null) => CallInputs>
> = {
  infer: oipInputs,
  metadata: () => NO_INPUTS,
  ready: () => NO_INPUTS,
  models: () => NO_INPUTS,
  completions: promptInputs("prompt", promptParts),
  chat: promptInputs("messages", chatParts),
  embeddings: promptInputs("input", promptParts),
};

/**
 * The inputs of a call to `endpoint` with `body` (as parsed, valid or not:
 * refusals are recorded too) and, for a body in the binary tensor extension's
 * form, the tensor bytes after its JSON.
 */
export function callInputs(
  endpoint: UsageEndpoint,
  body: unknown,
  tensorBytes: Buffer | null,
): CallInputs {
  return INPUTS_OF[endpoint](body, tensorBytes);
}
