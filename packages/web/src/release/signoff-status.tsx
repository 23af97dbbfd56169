import { useTranslation } from "react-i18next";
import { useFormat } from "../i18n/format.js";
import type { PendingChange } from "./release-types.js";
import "./release.css";

/**
 * Who signed a pending change (approved or rejected, with what roles and
 * comment) and how many more approvals its sign-off rules need, from whom.
 */
export function SignoffStatus({
  change,
  caption,
}: {
  readonly change: PendingChange;
  readonly caption: string;
}) {
  const { t } = useTranslation("release");
  const format = useFormat();
  const { needed, from } = change.approvals;
  return (
    <>
      <p className="signoffs-needed" data-needed={needed ?? "unknown"}>
        {needed === null
          ? t("signoffs.neededUnknown")
          : needed === 0
            ? t("signoffs.neededNone")
            : t("signoffs.needed", { count: needed })}
        {needed !== 0 && from.length > 0 ? (
          <span className="muted signoffs-from">
            {t("signoffs.from", { names: from.join(", ") })}
          </span>
        ) : null}
      </p>
      {change.signoffs.length === 0 ? (
        <p className="muted">{t("signoffs.none")}</p>
      ) : (
        <table className="signoffs">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("signoffs.who")}</th>
              <th scope="col">{t("signoffs.verdict")}</th>
              <th scope="col">{t("signoffs.roles")}</th>
              <th scope="col">{t("signoffs.comment")}</th>
              <th scope="col">{t("signoffs.when")}</th>
            </tr>
          </thead>
          <tbody>
            {change.signoffs.map((s, i) => (
              <tr key={`${s.user ?? ""}-${String(i)}`}>
                <th scope="row">{s.user ?? t("signoffs.erased")}</th>
                <td>
                  <span className={`verdict verdict-${s.verdict}`}>
                    {t(`signoffs.verdicts.${s.verdict}`)}
                  </span>
                </td>
                <td>{s.roles.join(", ")}</td>
                <td>{s.comment === "" ? t("signoffs.noComment") : s.comment}</td>
                <td>{format.dateTime(s.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
