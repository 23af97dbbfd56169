import { performance } from "node:perf_hooks";
import { InferenceSession, Tensor } from "onnxruntime-node";
import { createRng, type Rng } from "../random/seeded.js";
import type { BpeTokenizer } from "./bpe-tokenizer.js";
import { chooseToken, GREEDY, type SamplingSettings } from "./choose-token.js";
import type { GptConfig } from "./gpt-config.js";
import { GPT_ONNX_NAMES, gptPastName, gptPresentName } from "./gpt-onnx-format.js";
import type {
  FinishReason,
  GenerationRequest,
  GenerationResult,
  OnText,
} from "./generation-types.js";
import { LmInputError } from "./lm-input-error.js";
import { readLmOnnxMetadata } from "./read-lm-onnx-metadata.js";
import { SequenceKvCache } from "./sequence-kv-cache.js";
import { TokenTextStream } from "./token-text-stream.js";

/** How an engine schedules its requests. */
export interface GenerationEngineOptions {
  /**
   * Continuous batching (the default): requests join the running batch at the
   * next step and leave it when done. Off, requests run one at a time, in order.
   */
  readonly batching?: boolean;
  /** The most sequences decoded together; more wait their turn. 8 by default. */
  readonly maxBatchSize?: number;
  /** onnxruntime session options, when the engine creates the session. */
  readonly sessionOptions?: InferenceSession.SessionOptions;
}

/** A request in flight: its cache, random stream, counts and text. */
interface Sequence {
  readonly request: GenerationRequest;
  readonly promptIds: readonly number[];
  readonly settings: SamplingSettings;
  readonly rng: Rng;
  readonly counts: Map<number, number>;
  readonly generated: number[];
  readonly text: TokenTextStream;
  readonly cache: SequenceKvCache;
  readonly onText: OnText | undefined;
  readonly startedAt: number;
  readonly done: (result: GenerationResult) => void;
  readonly failed: (err: unknown) => void;
  readonly unlisten: () => void;
  /** The last token drawn, not yet fed to the model. */
  pending: number;
  drawn: number;
  firstTokenAt: number | undefined;
  aborted: boolean;
}

function floats(out: InferenceSession.ReturnType, name: string): Float32Array {
  const data = out[name]?.data;
  if (!(data instanceof Float32Array)) {
    throw new Error(
      `the model's run gave no float32 ${name}; is it a decoder exported with past keys and values?`,
    );
  }
  return data;
}

const int64 = (values: readonly number[], dims: readonly number[]): Tensor =>
  new Tensor("int64", BigInt64Array.from(values, BigInt), dims);

/**
 * Generates text from one exported decoder (`exportGptOnnx`, its
 * configuration, tokenizer and end-of-text token read from the file's
 * metadata) for many requests at once, by continuous batching as vLLM does
 * it: each step is one `session.run` that feeds every running sequence its
 * last token; a new request's prompt is run on its own (the prefill), and
 * the request joins the batch at the next step; a finished one leaves.
 *
 * Each sequence keeps its own key/value cache; a step lays the caches out
 * right-aligned in one batch, padding the shorter ones on the left and
 * masking the padding out with `attention_mask`, so a request's tokens do
 * not depend on which requests share its steps.
 *
 * Native runs are synchronous on the JavaScript thread (onnxruntime-node), so
 * a server runs an engine in a worker thread.
 *
 * @example
 * ```ts
 * const engine = await createGenerationEngine(await readFile("model.onnx"));
 * const result = await engine.generate({ prompt: "Once", maxTokens: 32, stop: ["\n"] }, (delta) => write(delta));
 * await engine.close();
 * ```
 */
export class GenerationEngine {
  private readonly waiting: Sequence[] = [];
  private active: Sequence[] = [];
  private running = false;
  /** The last loop of steps started, awaited by close() before the session is freed. */
  private looping: Promise<void> = Promise.resolve();
  private closed = false;
  private runCount = 0;
  /** Embeddings being computed, awaited by close() before the session is freed. */
  private readonly embedding = new Set<Promise<unknown>>();
  private readonly batching: boolean;
  private readonly maxBatchSize: number;

  constructor(
    private readonly session: InferenceSession,
    readonly config: GptConfig,
    readonly tokenizer: BpeTokenizer,
    readonly eosTokenId: number,
    options: GenerationEngineOptions = {},
  ) {
    this.batching = options.batching ?? true;
    this.maxBatchSize = options.maxBatchSize ?? 8;
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1) {
      throw new LmInputError(
        `maxBatchSize is ${this.maxBatchSize}; use a whole number of at least 1`,
      );
    }
  }

  /** How many times the model has been run: prefills and decoding steps. */
  get runs(): number {
    return this.runCount;
  }

  /** Requests being decoded now. */
  get activeCount(): number {
    return this.active.length;
  }

  /** Requests waiting for a place in the batch. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /**
   * Queues a request and resolves with its text when it ends. Rejects with
   * {@link LmInputError}, naming the limit, when the prompt is empty, holds an
   * id outside the vocabulary or is longer than the model's context.
   */
  generate(request: GenerationRequest, onText?: OnText): Promise<GenerationResult> {
    const startedAt = performance.now();
    return new Promise<GenerationResult>((resolve, reject) => {
      if (this.closed) {
        throw new Error("the generation engine was closed; start a new one to generate");
      }
      const promptIds =
        typeof request.prompt === "string"
          ? this.tokenizer.encode(request.prompt)
          : [...request.prompt];
      this.checkRequest(request, promptIds);
      const onAbort = () => {
        const at = this.waiting.indexOf(sequence);
        if (at >= 0) {
          this.waiting.splice(at, 1);
          this.finish(sequence, "abort");
        } else {
          sequence.aborted = true;
        }
      };
      const sequence: Sequence = {
        request,
        promptIds,
        settings: { ...GREEDY, ...request.sampling },
        rng: createRng(request.seed ?? 0),
        counts: new Map(),
        generated: [],
        text: new TokenTextStream(this.tokenizer, request.stop ?? []),
        cache: new SequenceKvCache(this.config),
        onText,
        startedAt,
        done: resolve,
        failed: reject,
        unlisten: () => request.signal?.removeEventListener("abort", onAbort),
        pending: -1,
        drawn: 0,
        firstTokenAt: undefined,
        aborted: false,
      };
      if (request.signal?.aborted === true) {
        this.finish(sequence, "abort");
        return;
      }
      request.signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(sequence);
      this.wake();
    });
  }

  /** Frees the native session; requests still running are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error("the generation engine was closed; start a new one to generate");
    for (const sequence of [...this.waiting, ...this.active]) {
      sequence.unlisten();
      sequence.failed(error);
    }
    this.waiting.length = 0;
    this.active = [];
    await this.looping;
    await Promise.allSettled(this.embedding);
    await this.session.release();
  }

  /** Whether the file gives `last_hidden_state`, which embeddings are pooled from. */
  get embeds(): boolean {
    return this.session.outputNames.includes(GPT_ONNX_NAMES.lastHiddenState);
  }

  /**
   * The embedding of each input: the mean of the last hidden state over its
   * tokens, scaled to length 1 as OpenAI's embeddings are, so that a dot
   * product is the cosine similarity. A mean rather than the last token's
   * state: a decoder trained only to predict the next token packs into its
   * last state what comes next more than what was said. Each input runs on
   * its own between the decoding steps; close() waits for it. Rejects with {@link LmInputError} as
   * `generate` does for an empty input, one longer than the context or one
   * with an id outside the vocabulary, and when the file was exported
   * without `last_hidden_state`.
   */
  embed(inputs: readonly (readonly number[])[]): Promise<Float32Array[]> {
    const running = this.embedAll(inputs);
    this.embedding.add(running);
    void running.then(
      () => this.embedding.delete(running),
      () => this.embedding.delete(running),
    );
    return running;
  }

  private async embedAll(inputs: readonly (readonly number[])[]): Promise<Float32Array[]> {
    if (!this.embeds) {
      throw new LmInputError(
        `the model was exported without ${GPT_ONNX_NAMES.lastHiddenState}, so it gives no embeddings; export it again with this version of the toolkit`,
      );
    }
    inputs.forEach((ids) => {
      this.checkPrompt(ids, "input");
    });
    const width = this.config.width;
    const vectors: Float32Array[] = [];
    for (const ids of inputs) {
      if (this.closed) {
        throw new Error("the generation engine was closed; start a new one to embed");
      }
      const out = await this.run(this.promptFeeds(ids), [GPT_ONNX_NAMES.lastHiddenState]);
      const hidden = floats(out, GPT_ONNX_NAMES.lastHiddenState);
      const mean = new Float32Array(width);
      for (let t = 0; t < ids.length; t++) {
        for (let j = 0; j < width; j++) {
          mean[j] = (mean[j] ?? 0) + (hidden[t * width + j] ?? 0) / ids.length;
        }
      }
      const norm = Math.hypot(...mean);
      vectors.push(norm === 0 ? mean : mean.map((v) => v / norm));
    }
    return vectors;
  }

  private checkPrompt(promptIds: readonly number[], what: "prompt" | "input"): void {
    const { contextSize, vocabSize } = this.config;
    if (promptIds.length === 0) {
      throw new LmInputError(
        what === "prompt"
          ? "the prompt is empty; give at least one token to continue"
          : "the input is empty; give at least one token to embed",
      );
    }
    if (promptIds.length > contextSize) {
      throw new LmInputError(
        `the ${what} has ${promptIds.length} tokens; this model's context is ${contextSize}; shorten the ${what}`,
      );
    }
    const outside = promptIds.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
    if (outside !== undefined) {
      throw new LmInputError(
        `${what} token id ${outside} is outside the vocabulary of ${vocabSize}`,
      );
    }
  }

  private checkRequest(request: GenerationRequest, promptIds: readonly number[]): void {
    this.checkPrompt(promptIds, "prompt");
    if (!Number.isInteger(request.maxTokens) || request.maxTokens < 1) {
      throw new LmInputError(`maxTokens is ${request.maxTokens}; use a whole number of at least 1`);
    }
  }

  /** Starts the loop of steps unless it is running; a new request calls it. */
  private wake(): void {
    if (!this.running) {
      this.running = true;
      this.looping = this.loop();
    }
  }

  /** Runs steps while there is work. Never rejects: a failure ends the requests it touched. */
  private async loop(): Promise<void> {
    while (!this.closed && (this.waiting.length > 0 || this.active.length > 0)) {
      try {
        await this.admit();
        this.dropAborted();
        if (this.active.length > 0) {
          await this.decodeStep();
        }
        this.dropAborted();
      } catch (err) {
        for (const sequence of [...this.active]) {
          this.fail(sequence, err);
        }
      }
    }
    // Cleared in the same turn as the last check of the queue, so a request queued after it starts a new loop.
    this.running = false;
  }

  /** Prefills waiting requests while the batch has room; without batching, only into an empty batch. */
  private async admit(): Promise<void> {
    const room = this.batching ? this.maxBatchSize : 1;
    while (this.waiting.length > 0 && this.active.length < room) {
      const sequence = this.waiting.shift();
      if (sequence === undefined) {
        return;
      }
      try {
        await this.prefill(sequence);
      } catch (err) {
        this.fail(sequence, err);
      }
    }
  }

  /** The inputs of a run over one whole prompt, with an empty past. */
  private promptFeeds(promptIds: readonly number[]): Record<string, Tensor> {
    const length = promptIds.length;
    const feeds: Record<string, Tensor> = {
      [GPT_ONNX_NAMES.inputIds]: int64(promptIds, [1, length]),
      [GPT_ONNX_NAMES.attentionMask]: int64(
        promptIds.map(() => 1),
        [1, length],
      ),
      [GPT_ONNX_NAMES.positionIds]: int64(
        promptIds.map((_, i) => i),
        [1, length],
      ),
    };
    this.addPasts(feeds, 1, 0, []);
    return feeds;
  }

  private async prefill(sequence: Sequence): Promise<void> {
    const { promptIds, cache } = sequence;
    const length = promptIds.length;
    const out = await this.run(this.promptFeeds(promptIds));
    if (this.closed) {
      return;
    }
    cache.append(this.presents(out), 0, length, 0, length);
    const logits = floats(out, GPT_ONNX_NAMES.logits);
    const vocab = this.config.vocabSize;
    this.active.push(sequence);
    this.accept(sequence, logits.subarray((length - 1) * vocab, length * vocab));
  }

  /** One token for every active sequence, in one run over the left-padded batch. */
  private async decodeStep(): Promise<void> {
    const batch = this.active;
    const width = Math.max(...batch.map((s) => s.cache.length));
    const feeds: Record<string, Tensor> = {
      [GPT_ONNX_NAMES.inputIds]: int64(
        batch.map((s) => s.pending),
        [batch.length, 1],
      ),
      [GPT_ONNX_NAMES.attentionMask]: int64(
        batch.flatMap((s) => [
          ...new Array<number>(width - s.cache.length).fill(0),
          ...new Array<number>(s.cache.length + 1).fill(1),
        ]),
        [batch.length, width + 1],
      ),
      [GPT_ONNX_NAMES.positionIds]: int64(
        batch.map((s) => s.cache.length),
        [batch.length, 1],
      ),
    };
    this.addPasts(feeds, batch.length, width, batch);
    try {
      const out = await this.run(feeds);
      if (this.closed) {
        return;
      }
      const presents = this.presents(out);
      const logits = floats(out, GPT_ONNX_NAMES.logits);
      const vocab = this.config.vocabSize;
      batch.forEach((sequence, row) => {
        // The new position is the last of the row: the padding sits on the left.
        sequence.cache.append(presents, row, width + 1, width, 1);
        this.accept(sequence, logits.subarray(row * vocab, (row + 1) * vocab));
      });
    } catch (err) {
      for (const sequence of batch.filter((s) => this.active.includes(s))) {
        this.fail(sequence, err);
      }
    }
  }

  /** The past inputs: each sequence's cache right-aligned in `width` positions (none for a prefill). */
  private addPasts(
    feeds: Record<string, Tensor>,
    batchSize: number,
    width: number,
    batch: readonly Sequence[],
  ): void {
    const { heads, layers } = this.config;
    const headSize = this.config.width / heads;
    const pasts = Array.from(
      { length: 2 * layers },
      () => new Float32Array(batchSize * heads * width * headSize),
    );
    batch.forEach((sequence, row) => {
      sequence.cache.copyInto(pasts, row, width);
    });
    for (let layer = 0; layer < layers; layer++) {
      (["key", "value"] as const).forEach((kind, k) => {
        feeds[gptPastName(layer, kind)] = new Tensor(
          "float32",
          pasts[2 * layer + k] ?? new Float32Array(0),
          [batchSize, heads, width, headSize],
        );
      });
    }
  }

  private presents(out: InferenceSession.ReturnType): Float32Array[] {
    return Array.from({ length: 2 * this.config.layers }, (_, s) =>
      floats(out, gptPresentName(Math.floor(s / 2), s % 2 === 0 ? "key" : "value")),
    );
  }

  /** Runs the model for `fetches` (every output unless named). */
  private async run(
    feeds: Record<string, Tensor>,
    fetches?: readonly string[],
  ): Promise<InferenceSession.ReturnType> {
    this.runCount += 1;
    return fetches === undefined ? this.session.run(feeds) : this.session.run(feeds, [...fetches]);
  }

  /** Draws the sequence's next token from its logits, streams its text, and ends it when it is done. */
  private accept(sequence: Sequence, logits: Float32Array): void {
    if (this.closed) {
      return;
    }
    const { settings, counts, rng, request } = sequence;
    const token = chooseToken(logits, settings, counts, () => rng.next());
    sequence.drawn += 1;
    sequence.firstTokenAt ??= performance.now();
    if (token === this.eosTokenId) {
      this.finish(sequence, "stop");
      return;
    }
    sequence.generated.push(token);
    counts.set(token, (counts.get(token) ?? 0) + 1);
    const delta = sequence.text.push(token);
    if (!this.emit(sequence, delta)) {
      return;
    }
    if (sequence.text.stopped) {
      this.finish(sequence, "stop");
    } else if (sequence.generated.length >= request.maxTokens) {
      this.finish(sequence, "length");
    } else if (sequence.cache.length >= this.config.contextSize) {
      // The drawn token would need a position past the position table.
      this.finish(sequence, "length");
    } else {
      sequence.pending = token;
    }
  }

  /** Hands text to the caller; a callback that throws ends its own request with that error. */
  private emit(sequence: Sequence, delta: string): boolean {
    if (delta === "" || sequence.onText === undefined) {
      return true;
    }
    try {
      sequence.onText(delta);
      return true;
    } catch (err) {
      this.fail(sequence, err);
      return false;
    }
  }

  private fail(sequence: Sequence, err: unknown): void {
    this.remove(sequence);
    sequence.unlisten();
    sequence.failed(err);
  }

  private dropAborted(): void {
    for (const sequence of this.active.filter((s) => s.aborted)) {
      this.finish(sequence, "abort");
    }
  }

  private remove(sequence: Sequence): void {
    this.active = this.active.filter((s) => s !== sequence);
  }

  private finish(sequence: Sequence, reason: FinishReason): void {
    this.remove(sequence);
    sequence.unlisten();
    if (!this.emit(sequence, sequence.text.finish())) {
      return;
    }
    sequence.done({
      text: sequence.text.text,
      ids: sequence.generated,
      finishReason: reason,
      promptTokens: sequence.promptIds.length,
      completionTokens: sequence.drawn,
      timeToFirstTokenMs:
        sequence.firstTokenAt === undefined
          ? undefined
          : sequence.firstTokenAt - sequence.startedAt,
    });
  }
}

/**
 * Opens an exported decoder (model.onnx as `writeLmFolder` writes it) for
 * generation: reads its configuration, tokenizer and end-of-text token from
 * the metadata and creates the onnxruntime session.
 */
export async function createGenerationEngine(
  bytes: Uint8Array,
  options: GenerationEngineOptions = {},
): Promise<GenerationEngine> {
  const { config, tokenizer, eosTokenId } = readLmOnnxMetadata(bytes);
  const session = await InferenceSession.create(bytes, options.sessionOptions ?? {});
  return new GenerationEngine(session, config, tokenizer, eosTokenId, options);
}
