import { CardInputError } from "./card-input-error.js";
import type { ModelCardInfo } from "./model-card-info.js";

function text(where: string, value: string): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new CardInputError(`${where} is empty: give a non-empty text`);
  }
}

function finite(where: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new CardInputError(`${where} is ${String(value)}: it must be a finite number`);
  }
}

function positiveInteger(where: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new CardInputError(
      `${where} is ${String(value)}: it must be a whole number of at least 1`,
    );
  }
}

function fraction(where: string, value: number, openAtZero: boolean): void {
  finite(where, value);
  if (value > 1 || value < 0 || (openAtZero && value === 0)) {
    throw new CardInputError(
      `${where} is ${value}: it must lie in ${openAtZero ? "(0, 1]" : "[0, 1)"}`,
    );
  }
}

/** Refuses info a card would misstate: empty names, non-finite numbers, fractions that do not add up. */
export function checkModelCardInfo(info: ModelCardInfo): void {
  text("modelName", info.modelName);
  text("description", info.description);
  text("license", info.license);
  text("pipelineTag", info.pipelineTag);
  text("dataset.id", info.dataset.id);
  text("dataset.name", info.dataset.name);
  if (info.baseModel !== undefined) {
    text("baseModel.id", info.baseModel.id);
  }
  info.sections?.forEach((section, i) => {
    text(`sections[${i}].heading`, section.heading);
  });
  positiveInteger("dataset.rows", info.dataset.rows);
  const split = info.dataset.split;
  if (split !== undefined) {
    finite("dataset.split.seed", split.seed);
    fraction("dataset.split.train", split.train, true);
    const parts = [split.train];
    for (const name of ["validation", "test"] as const) {
      const part = split[name];
      if (part !== undefined) {
        fraction(`dataset.split.${name}`, part, true);
        parts.push(part);
      }
    }
    const total = parts.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-9) {
      throw new CardInputError(
        `dataset.split fractions add up to ${total}: train, validation and test must sum to 1`,
      );
    }
  }
  const training = info.training;
  if (training !== undefined) {
    text("training.architecture", training.architecture);
    text("training.optimizer", training.optimizer);
    finite("training.learningRate", training.learningRate);
    positiveInteger("training.epochsRun", training.epochsRun);
    positiveInteger("training.batchSize", training.batchSize);
    finite("training.seed", training.seed);
    if (training.maxEpochs !== undefined) {
      positiveInteger("training.maxEpochs", training.maxEpochs);
    }
    if (training.earlyStopping !== undefined) {
      text("training.earlyStopping.monitor", training.earlyStopping.monitor);
      positiveInteger("training.earlyStopping.patience", training.earlyStopping.patience);
    }
  }
  info.results.forEach((result, i) => {
    text(`results[${i}].type`, result.type);
    text(`results[${i}].split`, result.split);
    finite(`results[${i}].value`, result.value);
  });
  const usage = info.usage;
  if (usage !== undefined) {
    text("usage.modelFile", usage.modelFile);
    text("usage.inputName", usage.inputName);
    positiveInteger("usage.inputWidth", usage.inputWidth);
    if (usage.outputNames.length === 0) {
      throw new CardInputError("usage.outputNames is empty: name the model's outputs");
    }
    usage.outputNames.forEach((name, i) => {
      text(`usage.outputNames[${i}]`, name);
    });
  }
  const privacy = info.privacy;
  if (privacy !== undefined) {
    finite("privacy.epsilon", privacy.epsilon);
    if (privacy.epsilon <= 0) {
      throw new CardInputError(`privacy.epsilon is ${privacy.epsilon}: it must be above 0`);
    }
    fraction("privacy.delta", privacy.delta, false);
    finite("privacy.noiseMultiplier", privacy.noiseMultiplier);
    finite("privacy.clipNorm", privacy.clipNorm);
    fraction("privacy.sampleRate", privacy.sampleRate, true);
  }
}
