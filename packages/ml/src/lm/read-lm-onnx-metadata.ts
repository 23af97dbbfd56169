import { readOnnxModelInfo } from "../onnx/read-onnx-model-info.js";
import type { BpeTokenizer } from "./bpe-tokenizer.js";
import { checkGptConfig, type GptConfig } from "./gpt-config.js";
import {
  GPT_ONNX_CONFIG_KEY,
  GPT_ONNX_GENERATION_KEY,
  GPT_ONNX_TOKENIZER_KEY,
} from "./gpt-onnx-format.js";
import { LmInputError } from "./lm-input-error.js";
import { fromTokenizerJson } from "./tokenizer-json.js";

/** What generating from an exported decoder needs besides its weights, as its metadata holds it. */
export interface LmOnnxMetadata {
  readonly config: GptConfig;
  readonly tokenizer: BpeTokenizer;
  /** The token that ends a text: generation_config.json's `eos_token_id` (the first, if a list). */
  readonly eosTokenId: number;
}

function parse(text: string | undefined, key: string): unknown {
  if (text === undefined) {
    throw new LmInputError(
      `the model has no ${key} in its metadata; export it with the language model's folder (writeLmFolder) so it carries one`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new LmInputError(`the model's ${key} is not JSON (${(err as Error).message})`);
  }
}

/**
 * Reads the configuration, tokenizer and end-of-text token that `writeLmFolder`
 * puts into model.onnx, so that one file is all a server needs. Throws
 * {@link LmInputError}, naming the key, when one is missing or does not fit.
 */
export function readLmOnnxMetadata(bytes: Uint8Array): LmOnnxMetadata {
  const props = readOnnxModelInfo(bytes).metadataProps;
  const config = checkGptConfig(
    parse(props[GPT_ONNX_CONFIG_KEY], GPT_ONNX_CONFIG_KEY) as GptConfig,
  );
  let tokenizer: BpeTokenizer;
  try {
    tokenizer = fromTokenizerJson(parse(props[GPT_ONNX_TOKENIZER_KEY], GPT_ONNX_TOKENIZER_KEY));
  } catch (err) {
    if (err instanceof LmInputError) {
      throw err;
    }
    throw new LmInputError(
      `the model's ${GPT_ONNX_TOKENIZER_KEY} is not a tokenizer this toolkit reads (${(err as Error).message})`,
    );
  }
  if (tokenizer.size !== config.vocabSize) {
    throw new LmInputError(
      `the model's tokenizer has ${tokenizer.size} tokens but its vocabulary ${config.vocabSize}; export the tokenizer it was trained with`,
    );
  }
  const generation = parse(props[GPT_ONNX_GENERATION_KEY], GPT_ONNX_GENERATION_KEY);
  const eos =
    typeof generation === "object" && generation !== null && "eos_token_id" in generation
      ? generation.eos_token_id
      : undefined;
  const eosTokenId = Array.isArray(eos) ? (eos[0] as unknown) : eos;
  if (
    typeof eosTokenId !== "number" ||
    !Number.isInteger(eosTokenId) ||
    eosTokenId < 0 ||
    eosTokenId >= config.vocabSize
  ) {
    throw new LmInputError(
      `the model's ${GPT_ONNX_GENERATION_KEY} has no eos_token_id within its vocabulary of ${config.vocabSize}; set it to the end-of-text token's id`,
    );
  }
  return { config, tokenizer, eosTokenId };
}
