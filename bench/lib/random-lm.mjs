// A language model with untrained weights at the toolkit's default size, for figures that
// measure generation speed, not what the model writes.

/** Chapters of Moby Dick the byte-level BPE tokenizer is trained on; enough for 1024 tokens. */
const TOKENIZER_CHAPTERS = 20;

/**
 * The default-size decoder exported for generation (`exportGptOnnx`), seeded, with a
 * tokenizer trained on Moby Dick in its metadata: `{ bytes, config, tokenizer, eos }`.
 */
export async function randomLm(ml) {
  const corpus = await ml.loadLmCorpus("moby-dick");
  const size = ml.DEFAULT_LM_SIZE;
  const tokenizer = new ml.BpeTokenizer(
    ml.trainBpe(corpus.documents.slice(0, TOKENIZER_CHAPTERS), {
      vocabSize: size.vocabSize,
      specialTokens: [ml.END_OF_TEXT],
    }),
  );
  const config = { ...size, vocabSize: tokenizer.size };
  const eos = tokenizer.id(ml.END_OF_TEXT);
  // The weights are drawn as tfjs tensors, which need its backend picked first.
  await ml.useWasmBackend();
  const weights = ml.initGptWeights(config, ml.createRng(1));
  const bytes = ml.exportGptOnnx(config, weights, {
    [ml.GPT_ONNX_TOKENIZER_KEY]: JSON.stringify(ml.toTokenizerJson(tokenizer)),
    [ml.GPT_ONNX_GENERATION_KEY]: JSON.stringify({ bos_token_id: eos, eos_token_id: eos }),
  });
  for (const w of weights.values()) {
    w.dispose();
  }
  return { bytes, config, tokenizer, eos };
}
