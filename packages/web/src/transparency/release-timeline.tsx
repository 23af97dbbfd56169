import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/format.js";
import type { TransparencyReport } from "./transparency-types.js";

type HistoryEntry = TransparencyReport["history"][number];

const text = (value: unknown): string | null =>
  typeof value === "string" && value !== "" ? value : null;

/** What one event of the version's history says, in the UI's language. */
function useDescribe(): (entry: HistoryEntry) => { what: string; why: string | null } {
  const { t } = useTranslation("transparency");
  const stage = (s: unknown) =>
    text(s) === null ? "—" : t(`common:stage.${String(s)}`, { defaultValue: String(s) });
  return (entry) => {
    const d = entry.details;
    switch (entry.action) {
      case "version.publish":
        return {
          what: t("history.publish", { commit: (text(d.commit) ?? "").slice(0, 12) }),
          why: null,
        };
      case "version.stage":
        return {
          what: t("history.stage", { from: stage(d.from), to: stage(d.to) }),
          why: text(d.reason),
        };
      case "transition.request":
        return {
          what: t("history.request", {
            from: stage(d.from),
            to: stage(d.to),
            status: t(`history.status.${text(d.status) ?? "pending"}`, {
              defaultValue: text(d.status) ?? "",
            }),
          }),
          why:
            Array.isArray(d.failed) && d.failed.length > 0
              ? t("history.failedRules", { rules: d.failed.join(", ") })
              : null,
        };
      case "transition.signoff":
        return {
          what: d.verdict === "approve" ? t("history.approved") : t("history.rejected"),
          why: null,
        };
      case "transition.override":
        return {
          what: t("history.override", {
            rules: Array.isArray(d.rules) ? d.rules.join(", ") : "",
          }),
          why: null,
        };
      case "evidence.add":
        return {
          what: t("history.evidence", {
            kind: t(`kinds.${text(d.kind) ?? ""}`, { defaultValue: text(d.kind) ?? "" }),
          }),
          why: null,
        };
      case "version.risk-tier":
        return {
          what: t("history.riskTier", {
            tier: t(`common:riskTier.${text(d.to) ?? ""}`, { defaultValue: text(d.to) ?? "" }),
          }),
          why: text(d.comment),
        };
      default:
        return { what: entry.action, why: null };
    }
  };
}

/** The version's release history from the audit log, oldest first, as a timeline. */
export function ReleaseTimeline({ history }: { readonly history: TransparencyReport["history"] }) {
  const { t } = useTranslation("transparency");
  const format = useFormat();
  const describe = useDescribe();
  return (
    <section aria-labelledby="history">
      <h3 id="history">{t("history.title")}</h3>
      {history.length === 0 ? (
        <p className="muted">{t("history.none")}</p>
      ) : (
        <ol className="timeline">
          {history.map((entry, i) => {
            const { what, why } = describe(entry);
            return (
              <li key={i} className={`timeline-${entry.action.replace(".", "-")}`}>
                <time dateTime={entry.at}>{format.dateTime(entry.at)}</time>
                <p className="what">{what}</p>
                {why !== null ? (
                  <p className="muted">{t("history.reason", { reason: why })}</p>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
