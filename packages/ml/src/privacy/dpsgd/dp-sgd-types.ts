import type {
  EpochReport,
  TabularExamples,
  TabularModel,
  TrainingSummary,
} from "../../train/index.js";
import type { HiddenActivation } from "./dense-network.js";

/** The update rule applied to each step's gradient. */
export type DpOptimizer = "adam" | "sgd";

/** The network and loop settings shared by the private and the non-private trainer. */
export interface DenseTrainOptions {
  /** Units of each hidden layer; default `[64]`, the Iris network. */
  readonly hiddenUnits?: readonly number[];
  /** Default `"relu"`. */
  readonly hiddenActivation?: HiddenActivation;
  /** Default `"adam"`. Either keeps the guarantee: it only post-processes noisy gradients. */
  readonly optimizer?: DpOptimizer;
  readonly learningRate?: number;
  /** Passes over the data; an integer >= 1. */
  readonly epochs?: number;
  /** Held-out rows scored after every epoch (loss and accuracy). */
  readonly validation?: TabularExamples;
  readonly onEpoch?: (report: DpEpochReport) => void;
}

/**
 * Options of `trainMlpDp`. Give `delta` and either `targetEpsilon` (σ is then
 * calibrated so the planned epochs spend at most it) or `noiseMultiplier`, or both
 * (training then stops before the step that would spend more than the target).
 */
export interface DpSgdOptions extends DenseTrainOptions {
  /** The budget ε, > 0. */
  readonly targetEpsilon?: number;
  /** δ, in (0, 1); well below 1 / (training rows), e.g. 1e-5. */
  readonly delta: number;
  /** σ: noise standard deviation over the clipping norm, > 0. */
  readonly noiseMultiplier?: number;
  /** C, the bound on each example's gradient L2 norm, > 0; default 1. */
  readonly clipNorm?: number;
  /** The mean batch size: q = expectedBatchSize / rows. Give this or `sampleRate`. */
  readonly expectedBatchSize?: number;
  /** The Poisson sampling rate q in (0, 1]. */
  readonly sampleRate?: number;
  /**
   * Makes the run repeat bit for bit: initial weights, Poisson sampling and the
   * noise all come from this seeded generator. Without it they come from
   * node:crypto, as a real guarantee needs; a seeded run is for research only.
   */
  readonly seed?: number;
  /** Rényi orders for the accountant (default: Opacus's). */
  readonly orders?: readonly number[];
  /**
   * Runs once every option has been checked and σ calibrated, before the first
   * step: where a budget is spent, so that a run refused for its options costs none.
   */
  readonly beforeTraining?: () => Promise<void>;
}

/** Progress after one epoch, with the ε spent so far (`null` for non-private training). */
export interface DpEpochReport extends EpochReport {
  readonly epsilon: number | null;
  readonly steps: number;
}

/** What a DP-SGD run spent, and the parameters that decided it. */
export interface DpSgdPrivacy {
  /** Always `"rdp"`: Opacus's RDP accountant with its orders and conversion. */
  readonly accountant: "rdp";
  readonly epsilon: number;
  readonly delta: number;
  readonly targetEpsilon: number | null;
  readonly noiseMultiplier: number;
  readonly sampleRate: number;
  /** q × rows; the noisy sum is divided by it. */
  readonly expectedBatchSize: number;
  readonly clipNorm: number;
  readonly datasetSize: number;
  readonly steps: number;
  readonly plannedSteps: number;
  /** round(1 / q): an epoch is this many steps. */
  readonly stepsPerEpoch: number;
  /** Steps taken over steps per epoch. */
  readonly epochs: number;
  /** True if training stopped early because one more step would have exceeded `targetEpsilon`. */
  readonly budgetExhausted: boolean;
  /** The Rényi order at which the conversion to (ε, δ) was tightest. */
  readonly rdpOrder: number;
  /** Where sampling and noise came from: node:crypto, or the user's seed (no real guarantee). */
  readonly randomness: "node:crypto" | "seeded";
}

/** Training history of a dense network. */
export interface DenseTrainingSummary extends TrainingSummary {
  readonly history: readonly DpEpochReport[];
}

/** A trained MLP; `denseLayers()` gives the weights for ONNX export. */
export interface DenseMlpModel extends TabularModel {
  readonly training: DenseTrainingSummary;
}

/** A DP-SGD-trained MLP and the privacy it spent. */
export interface DpMlpModel extends DenseMlpModel {
  readonly privacy: DpSgdPrivacy;
}
