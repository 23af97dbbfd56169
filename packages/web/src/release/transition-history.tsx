import { useTranslation } from "react-i18next";
import type { Loaded } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import type { Transition } from "./release-types.js";

/** A version's stage changes, newest first: done, refused (with the rules that failed), pending, cancelled. */
export function TransitionHistory({ loaded }: { readonly loaded: Loaded<Transition[]> }) {
  const { t } = useTranslation("release");
  const format = useFormat();
  const stageName = (s: string) => t(`common:stage.${s}`, { defaultValue: s });
  let body;
  if (loaded.state === "loading") {
    body = <Loading />;
  } else if (loaded.state === "failed") {
    body = <ErrorMessage error={loaded.error} />;
  } else if (loaded.body.length === 0) {
    body = <p className="muted">{t("history.none")}</p>;
  } else {
    body = (
      <table className="history">
        <caption className="visually-hidden">{t("history.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("history.requested")}</th>
            <th scope="col">{t("history.change")}</th>
            <th scope="col">{t("history.status")}</th>
            <th scope="col">{t("history.reason")}</th>
            <th scope="col">{t("history.failed")}</th>
          </tr>
        </thead>
        <tbody>
          {loaded.body.map((tr) => (
            <tr key={tr.id}>
              <th scope="row">
                {format.dateTime(tr.requestedAt)}
                <span className="muted history-who">{tr.requestedBy ?? "—"}</span>
              </th>
              <td>{t("history.move", { from: stageName(tr.from), to: stageName(tr.to) })}</td>
              <td>
                <span className={`status status-${tr.status}`}>
                  {t(`history.statuses.${tr.status}`)}
                </span>
              </td>
              <td>{tr.reason}</td>
              <td>
                {tr.failed.length === 0
                  ? t("history.noFailed")
                  : tr.failed.map((r) => r.id).join(", ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <section aria-labelledby="history-title">
      <h3 id="history-title">{t("history.title")}</h3>
      {body}
    </section>
  );
}
