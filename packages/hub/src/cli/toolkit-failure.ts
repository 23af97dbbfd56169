import {
  BudgetLedgerError,
  DataError,
  KAnonymityError,
  LmInputError,
  MembershipAuditError,
  MetricInputError,
  OnnxError,
  PiiError,
  PrivacyParameterError,
  ReferenceTrainingError,
  TrainInputError,
} from "@gatehouse/ml";
import { CliFailure } from "./context.js";

/** What to do about a dataset with no budget in the ledger. */
export const NO_BUDGET_HINT =
  "set one with gatehouse privacy budget set DATASET --epsilon E --delta D";

const LEDGER_HINTS: Partial<Record<BudgetLedgerError["code"], string>> = {
  NO_BUDGET: NO_BUDGET_HINT,
  CORRUPTED: "the ledger file was not changed",
};

/**
 * Turns a toolkit error about the user's data, model or options into a CLI
 * failure (exit 1, message without a stack); anything else is a bug and stays as it is.
 */
export function toolkitFailure(err: unknown): unknown {
  if (err instanceof DataError) {
    return new CliFailure(err.message, "BAD_DATA");
  }
  if (err instanceof OnnxError) {
    return new CliFailure(err.message, "BAD_MODEL");
  }
  if (err instanceof MetricInputError) {
    return new CliFailure(err.message, "BAD_DATA");
  }
  if (
    err instanceof TrainInputError ||
    err instanceof ReferenceTrainingError ||
    err instanceof LmInputError
  ) {
    return new CliFailure(err.message, "TRAINING_REFUSED");
  }
  if (err instanceof MembershipAuditError) {
    return new CliFailure(err.message, "INVALID_INPUT");
  }
  if (err instanceof PiiError || err instanceof KAnonymityError) {
    return new CliFailure(err.message, "INVALID_DATA");
  }
  if (err instanceof PrivacyParameterError) {
    // A target ε is the one parameter the flags' own checks cannot vouch for.
    return err.parameter === "targetEpsilon"
      ? new CliFailure(
          err.message,
          "PRIVACY_TARGET_UNREACHABLE",
          "raise --epsilon or --delta, or train fewer steps",
        )
      : new CliFailure(err.message, "INVALID_PRIVACY_PARAMETERS");
  }
  if (err instanceof BudgetLedgerError) {
    return new CliFailure(err.message, err.code, LEDGER_HINTS[err.code]);
  }
  return err;
}

/** Runs `work`, turning the toolkit's input errors into CLI failures as {@link toolkitFailure} does. */
export async function withToolkitErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toolkitFailure(err);
  }
}
