import { useTranslation } from "react-i18next";
import type { PolicyDecision, RuleResult } from "./release-types.js";
import "./release.css";

/** What became of one rule, as the UI names it. */
type RuleState =
  "notApplicable" | "overridden" | "passed" | "awaitsSignoffs" | "awaitsTime" | "failed";

function stateOf(rule: RuleResult): RuleState {
  if (!rule.applies) {
    return "notApplicable";
  }
  if (rule.overridden) {
    return "overridden";
  }
  if (rule.passed) {
    return "passed";
  }
  if (rule.awaits === "signoffs") {
    return "awaitsSignoffs";
  }
  return rule.awaits === "time" ? "awaitsTime" : "failed";
}

/**
 * A policy decision rule by rule: whether each rule applied, passed, failed
 * or waits, why (the rule's message, with a CEL error if any, and the card
 * lint or lineage findings behind it), and its expression, so a refusal says
 * exactly what to fix.
 */
export function PolicyRules({
  decision,
  caption,
}: {
  readonly decision: PolicyDecision;
  readonly caption: string;
}) {
  const { t } = useTranslation("release");
  if (decision.results.length === 0) {
    return <p className="muted">{t("rules.none")}</p>;
  }
  const failed = decision.results.filter((r) => !r.passed).length;
  return (
    <>
      <p className={`outcome outcome-${decision.outcome}`}>
        {t(`rules.outcome.${decision.outcome}`)}
      </p>
      <table className="rules">
        <caption>
          <span>{caption}</span>
          <span className="muted caption-note">
            {t("rules.summary", { count: decision.results.length, failed })}
          </span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("rules.rule")}</th>
            <th scope="col">{t("rules.result")}</th>
            <th scope="col">{t("rules.why")}</th>
            <th scope="col">{t("rules.expression")}</th>
          </tr>
        </thead>
        <tbody>
          {decision.results.map((rule) => {
            const state = stateOf(rule);
            return (
              <tr key={rule.id} className={`rule rule-${state}`} data-rule={rule.id}>
                <th scope="row">
                  <code>{rule.id}</code>
                  <span className="rule-description muted">{rule.description}</span>
                </th>
                <td>
                  <span className={`rule-state rule-state-${state}`}>
                    {t(`rules.state.${state}`)}
                  </span>
                </td>
                <td>
                  {rule.passed && !rule.overridden
                    ? t("rules.noMessage")
                    : (rule.message ?? t("rules.noMessage"))}
                  {rule.findings.length > 0 ? (
                    <ul className="rule-findings">
                      {rule.findings.map((f, i) => (
                        <li key={i}>
                          <code>{f.rule}</code> {f.message}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </td>
                <td>
                  <code className="expression">{rule.expression}</code>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
