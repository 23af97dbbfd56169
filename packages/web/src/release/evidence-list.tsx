import { useTranslation } from "react-i18next";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import type { Evidence } from "./release-types.js";
import "./release.css";

/**
 * The evidence attached to a version (`GET …/versions/:v/evidence`): each
 * report's kind, provenance (computed by the hub, or attested by whoever
 * uploaded it), verdict, freshness and summary.
 */
export function EvidenceList({
  apiBase,
  version,
  caption,
}: {
  /** `namespace/name`, escaped. */
  readonly apiBase: string;
  readonly version: string;
  readonly caption: string;
}) {
  const { t } = useTranslation("release");
  const format = useFormat();
  const [loaded] = useApi<Evidence[]>(
    `/api/models/${apiBase}/versions/${encodeURIComponent(version)}/evidence`,
  );
  if (loaded.state === "loading") {
    return <Loading />;
  }
  if (loaded.state === "failed") {
    return <ErrorMessage error={loaded.error} />;
  }
  if (loaded.body.length === 0) {
    return <p className="muted">{t("evidence.none")}</p>;
  }
  return (
    <table className="evidence">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("evidence.kind")}</th>
          <th scope="col">{t("evidence.provenance")}</th>
          <th scope="col">{t("evidence.verdict")}</th>
          <th scope="col">{t("evidence.freshness")}</th>
          <th scope="col">{t("evidence.summary")}</th>
          <th scope="col">{t("evidence.added")}</th>
        </tr>
      </thead>
      <tbody>
        {loaded.body.map((e) => (
          <tr key={e.id}>
            <th scope="row">{t(`evidence.kinds.${e.kind}`, { defaultValue: e.kind })}</th>
            <td>
              <span className={`badge provenance-${e.provenance}`}>
                {t(`evidence.provenances.${e.provenance}`)}
              </span>
            </td>
            <td>
              {t(
                e.passed === null
                  ? "evidence.verdicts.none"
                  : e.passed
                    ? "evidence.verdicts.passed"
                    : "evidence.verdicts.failed",
              )}
            </td>
            <td>
              {e.stale
                ? t("evidence.stale", { reasons: e.staleReasons.join("; ") })
                : t("evidence.fresh")}
            </td>
            <td>
              {e.summary}
              <span className="muted evidence-subject">
                {t("evidence.subject", {
                  path: e.subject.path ?? "—",
                  sha256: e.subject.sha256.slice(0, 12),
                })}
              </span>
            </td>
            <td>
              {t("evidence.addedBy", {
                who: e.addedBy ?? "—",
                when: format.dateTime(e.addedAt),
              })}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
