import { useTranslation } from "react-i18next";
import type { VersionEntry, VersionList } from "../api/types.js";
import "../release/release.css";
import { useApi } from "../api/use-api.js";
import { StageBadge } from "../components/badges.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { useModel } from "./model-context.js";

/** A withdrawn version as the hub lists it: a tombstone with its date and reason, no files. */
function Tombstone({ version }: { readonly version: VersionEntry }) {
  const { t } = useTranslation("model");
  const format = useFormat();
  const tomb = version as VersionEntry & { withdrawnAt?: string | null; reason?: string | null };
  return (
    <tr>
      <th scope="row">{tomb.name}</th>
      <td>
        <StageBadge stage="withdrawn" />
        <span className="tombstone-reason">
          {t("release:versions.withdrawnReason", { reason: tomb.reason ?? "—" })}
        </span>
      </td>
      <td>{format.dateTime(tomb.withdrawnAt)}</td>
      <td>{t("release:versions.noValue")}</td>
      <td className="number">{t("release:versions.noValue")}</td>
    </tr>
  );
}

/** Every version the user may see, newest first, with its stage and commit; a withdrawn one as a tombstone. */
export function VersionsTab() {
  const { t } = useTranslation("model");
  const format = useFormat();
  const { apiBase } = useModel();
  const [loaded] = useApi<VersionList>(`/api/models/${apiBase}/versions`);
  if (loaded.state === "loading") {
    return <Loading />;
  }
  if (loaded.state === "failed") {
    return <ErrorMessage error={loaded.error} />;
  }
  const versions = [...loaded.body.versions].reverse();
  return (
    <section>
      <h2>{t("versions.title")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("versions.name")}</th>
            <th scope="col">{t("versions.stage")}</th>
            <th scope="col">{t("versions.published")}</th>
            <th scope="col">{t("versions.commit")}</th>
            <th scope="col" className="number">
              {t("versions.files")}
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) =>
            v.stage === "withdrawn" ? (
              <Tombstone key={v.name} version={v} />
            ) : (
              <tr key={v.name}>
                <th scope="row">{v.name}</th>
                <td>
                  {v.state === "draft" ? t("versions.draft") : <StageBadge stage={v.stage} />}
                </td>
                <td>{format.dateTime(v.publishedAt)}</td>
                <td>
                  <code className="hash">{v.sha.slice(0, 12)}</code>
                </td>
                <td className="number">{format.number(v.files.length)}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </section>
  );
}
