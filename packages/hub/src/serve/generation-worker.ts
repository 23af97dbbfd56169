/**
 * A worker thread holding one generation engine (continuous batching over one
 * onnxruntime session of an exported decoder). onnxruntime-node's `run`
 * blocks the thread it is called on (serving.md §4), so the decoding steps run
 * here, away from the event loop that answers HTTP and streams the text.
 *
 * Protocol: after start it posts `{ kind: "ready", contextLength, width, embeds, eosToken, tokenizer }` or
 * `{ kind: "failed", message }`. Each `{ kind: "generate", id, … }` is answered
 * by `{ kind: "text", id, delta }` for each piece of new text, then one
 * `{ kind: "done", id, result }` or `{ kind: "error", id, message, input }`;
 * each `{ kind: "embed", id, inputs }` by `{ kind: "embedded", id, vectors }`
 * or that error;
 * `{ kind: "abort", id }` ends a generation at its next step, and
 * `{ kind: "stop" }` makes the worker finish, release its session and end.
 */
import { readFile } from "node:fs/promises";
import { parentPort, workerData } from "node:worker_threads";
import {
  createGenerationEngine,
  LmInputError,
  toTokenizerJson,
  type GenerationEngine,
  type GenerationRequest,
  type GenerationResult,
  type TokenizerJson,
} from "@gatehouse/ml/generation";

export interface GenerationWorkerStart {
  readonly modelPath: string;
  readonly intraOpThreads: number;
  /** The most sequences decoded together. */
  readonly maxBatchSize: number;
}

/** A generation as the main thread asks for it: a request without its abort signal. */
export type GenerateRequest = Omit<GenerationRequest, "signal"> & {
  readonly kind: "generate";
  readonly id: number;
};

/** Token ids to embed, one list an input. */
export interface EmbedRequest {
  readonly kind: "embed";
  readonly id: number;
  readonly inputs: readonly (readonly number[])[];
}

export type GenerationWorkerRequest =
  | GenerateRequest
  | EmbedRequest
  | { readonly kind: "abort"; readonly id: number }
  | { readonly kind: "stop" };

export type GenerationWorkerMessage =
  | {
      readonly kind: "ready";
      readonly contextLength: number;
      /** The width of the residual stream: the length of an embedding. */
      readonly width: number;
      /** Whether the file gives the hidden state embeddings are pooled from. */
      readonly embeds: boolean;
      /** The text of the end-of-text token, for chat templates that name it. */
      readonly eosToken: string;
      /** The model's tokenizer, so the main thread counts a prompt's tokens before it runs. */
      readonly tokenizer: TokenizerJson;
    }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "text"; readonly id: number; readonly delta: string }
  | { readonly kind: "done"; readonly id: number; readonly result: GenerationResult }
  | { readonly kind: "embedded"; readonly id: number; readonly vectors: Float32Array[] }
  | {
      readonly kind: "error";
      readonly id: number;
      readonly message: string;
      /** The request itself was at fault (too long a prompt, a bad setting), not the model. */
      readonly input: boolean;
    };

/** An engine's error as the main thread hears it: the request's fault, or the model's. */
const failure = (err: unknown) => ({
  message: (err as Error).message,
  input: err instanceof LmInputError,
});

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) {
    throw new Error("generation-worker runs as a worker thread");
  }
  const post = (message: GenerationWorkerMessage): void => {
    port.postMessage(message);
  };
  const start = workerData as GenerationWorkerStart;
  let engine: GenerationEngine;
  try {
    engine = await createGenerationEngine(await readFile(start.modelPath), {
      maxBatchSize: start.maxBatchSize,
      sessionOptions: {
        executionProviders: ["cpu"],
        intraOpNumThreads: start.intraOpThreads,
        interOpNumThreads: 1,
      },
    });
  } catch (err) {
    post({ kind: "failed", message: (err as Error).message });
    return;
  }
  const aborts = new Map<number, AbortController>();
  port.on("message", (request: GenerationWorkerRequest) => {
    if (request.kind === "stop") {
      for (const controller of aborts.values()) {
        controller.abort();
      }
      void engine.close().finally(() => {
        port.close();
      });
      return;
    }
    if (request.kind === "abort") {
      aborts.get(request.id)?.abort();
      return;
    }
    if (request.kind === "embed") {
      const { id, inputs } = request;
      engine.embed(inputs).then(
        (vectors) => {
          post({ kind: "embedded", id, vectors });
        },
        (err: unknown) => {
          post({ kind: "error", id, ...failure(err) });
        },
      );
      return;
    }
    const { id, prompt, maxTokens, sampling, seed, stop } = request;
    // The main thread tokenised the prompt and held it to the context; the engine checks again.
    const controller = new AbortController();
    aborts.set(id, controller);
    engine
      .generate({ prompt, maxTokens, sampling, seed, stop, signal: controller.signal }, (delta) => {
        post({ kind: "text", id, delta });
      })
      .then(
        (result) => {
          post({ kind: "done", id, result });
        },
        (err: unknown) => {
          post({ kind: "error", id, ...failure(err) });
        },
      )
      .finally(() => {
        aborts.delete(id);
      });
  });
  post({
    kind: "ready",
    contextLength: engine.config.contextSize,
    width: engine.config.width,
    embeds: engine.embeds,
    eosToken: engine.tokenizer.decode([engine.eosTokenId]),
    tokenizer: toTokenizerJson(engine.tokenizer),
  });
}

await main();
