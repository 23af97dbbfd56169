import { useTranslation } from "react-i18next";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { useModel } from "../model/model-context.js";
import { mayOnModel } from "../model/model-permissions.js";
import { NotFound } from "../pages/not-found.js";
import { Answers } from "./answers.js";
import type { Acceptance } from "./review-types.js";
import "./review.css";

/**
 * The licence acceptance records of a model, for those who manage its access:
 * who accepted which exact text (by sha256) of which version, when, with what
 * answers and from where; exported as the hub's CSV.
 */
export function AccessRecordsTab() {
  const { t } = useTranslation("review");
  const format = useFormat();
  const { apiBase, info } = useModel();
  const allowed = mayOnModel(info, "model.manage-access");
  const path = `/api/models/${apiBase}/access/acceptances`;
  const [loaded] = useApi<Acceptance[]>(allowed ? path : null);
  if (!allowed) {
    return <NotFound />;
  }
  return (
    <section className="access-records" aria-labelledby="records-title">
      <h2 id="records-title">{t("records.title")}</h2>
      <p className="muted">{t("records.intro")}</p>
      <p>
        <a className="button" href={`${path}?format=csv`} download>
          {t("records.export")}
        </a>
      </p>
      {loaded.state === "loading" ? <Loading /> : null}
      {loaded.state === "failed" ? <ErrorMessage error={loaded.error} /> : null}
      {loaded.state === "done" && loaded.body.length === 0 ? (
        <p className="muted">{t("records.none")}</p>
      ) : null}
      {loaded.state === "done" && loaded.body.length > 0 ? (
        <table className="records">
          <caption>{t("records.caption", { count: loaded.body.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("records.user")}</th>
              <th scope="col">{t("records.version")}</th>
              <th scope="col">{t("records.licence")}</th>
              <th scope="col">{t("records.accepted")}</th>
              <th scope="col">{t("records.answers")}</th>
              <th scope="col">{t("records.origin")}</th>
            </tr>
          </thead>
          <tbody>
            {loaded.body.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  {a.user}
                  {a.fullname !== null && a.fullname !== a.user ? (
                    <span className="muted record-detail">{a.fullname}</span>
                  ) : null}
                  {a.email !== null ? <span className="muted record-detail">{a.email}</span> : null}
                </th>
                <td>{a.version}</td>
                <td>
                  {a.licence}
                  <code className="hash record-detail" title={a.licenceSha256}>
                    {t("records.sha256", { sha256: a.licenceSha256.slice(0, 16) })}
                  </code>
                </td>
                <td>{format.dateTime(a.acceptedAt)}</td>
                <td>
                  <Answers fields={a.fields} />
                </td>
                <td>
                  {a.address ?? t("records.unknown")}
                  <span className="muted record-detail">{a.userAgent ?? t("records.unknown")}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
