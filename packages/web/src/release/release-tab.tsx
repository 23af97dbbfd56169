import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { seg } from "../api/client.js";
import { useApi } from "../api/use-api.js";
import { StageBadge } from "../components/badges.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import { useModel } from "../model/model-context.js";
import { mayOnModel } from "../model/model-permissions.js";
import { NotFound } from "../pages/not-found.js";
import type { VersionRow } from "./release-types.js";
import { ReleaseVersion } from "./release-version.js";
import "./release.css";

/**
 * The release panel of a model, for those who may release it: its published
 * versions with their stages (a withdrawn one with its tombstone's reason),
 * and the release of the one chosen (`?version=`, the newest by default).
 */
export function ReleaseTab() {
  const { t } = useTranslation("release");
  const format = useFormat();
  const { apiBase, info, namespace, name, reload } = useModel();
  const [params] = useSearchParams();
  const allowed = mayOnModel(info, "version.release");
  const [loaded, reloadVersions] = useApi<{ versions: VersionRow[] }>(
    allowed ? `/api/models/${apiBase}/versions` : null,
  );
  // The model too: its header shows the current version's stage, and whether it is gated.
  const changed = useCallback(() => {
    reloadVersions();
    reload();
  }, [reloadVersions, reload]);
  if (!allowed) {
    // As for any page the user may not see: the same answer as for one that does not exist.
    return <NotFound />;
  }
  if (loaded.state === "loading") {
    return <Loading />;
  }
  if (loaded.state === "failed") {
    return <ErrorMessage error={loaded.error} />;
  }
  const published = [...loaded.body.versions].filter((v) => v.state === "published").reverse();
  const chosen = published.find((v) => v.name === params.get("version")) ?? published[0];
  const base = `/${seg(namespace)}/${seg(name)}/release`;
  return (
    <section className="release-tab" aria-labelledby="release-title">
      <h2 id="release-title">{t("title")}</h2>
      {published.length === 0 ? (
        <p className="muted">{t("noVersions")}</p>
      ) : (
        <table className="release-versions">
          <caption className="visually-hidden">{t("versions.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("versions.name")}</th>
              <th scope="col">{t("versions.stage")}</th>
              <th scope="col">{t("versions.when")}</th>
              <th scope="col">{t("versions.manage")}</th>
            </tr>
          </thead>
          <tbody>
            {published.map((v) => (
              <tr key={v.name} aria-current={v.name === chosen?.name ? "true" : undefined}>
                <th scope="row">{v.name}</th>
                <td>
                  <StageBadge stage={v.stage} />
                  {v.stage === "withdrawn" ? (
                    <span className="tombstone-reason">
                      {t("versions.withdrawnReason", { reason: v.reason ?? "—" })}
                    </span>
                  ) : null}
                </td>
                <td>
                  {v.stage === "withdrawn"
                    ? t("versions.withdrawnOn", { when: format.dateTime(v.withdrawnAt) })
                    : t("versions.publishedOn", { when: format.dateTime(v.publishedAt) })}
                </td>
                <td>
                  {v.name === chosen?.name ? (
                    <span className="muted">{t("versions.shown")}</span>
                  ) : (
                    <Link to={`${base}?version=${encodeURIComponent(v.name)}`}>
                      {t("versions.open", { version: v.name })}
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {chosen !== undefined ? (
        <ReleaseVersion key={chosen.name} apiBase={apiBase} version={chosen} onChanged={changed} />
      ) : null}
    </section>
  );
}
