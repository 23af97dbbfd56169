import { HubError } from "../errors/index.js";
import { readGate, type CardData } from "../registry/index.js";
import { approvalRuleProblem } from "./approval-rule.js";

/**
 * Refuses, at publication, a card whose gate rule is not CEL an approval can
 * run: a rule that cannot run would leave every request pending unseen.
 */
export function checkGateRule(card: CardData): void {
  const { rule } = readGate(card);
  const problem = rule === null ? null : approvalRuleProblem(rule);
  if (problem !== null) {
    throw new HubError("INVALID_CARD", `README.md: gate.rule: ${problem}`, { field: "gate.rule" });
  }
}
