import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useParams } from "react-router";
import { ApiError, seg } from "../api/client.js";
import { useSession, type SessionUser } from "../api/session.js";
import type { ModelInfo } from "../api/types.js";
import { useApi } from "../api/use-api.js";
import { RiskBadge, StageBadge } from "../components/badges.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useFormat } from "../i18n/format.js";
import type { ModelContext } from "../model/model-context.js";
import { mayOnModel } from "../model/model-permissions.js";
import { NotFound } from "./not-found.js";

const NOT_FOUND_CODES = new Set(["REPO_NOT_FOUND", "NOT_FOUND"]);

/**
 * The tabs of a model page: their path below the model, their label's key,
 * and when they show (every tab's page still asks the hub, which decides).
 */
interface Tab {
  readonly path: string;
  readonly label: string;
  readonly shows?: (info: ModelInfo, user: SessionUser | null | undefined) => boolean;
}

const TABS: readonly Tab[] = [
  { path: "", label: "model:tabs.card" },
  { path: "files", label: "model:tabs.files" },
  { path: "versions", label: "model:tabs.versions" },
  { path: "request-access", label: "access:tab", shows: (info) => info.gated !== false },
  { path: "release", label: "release:tab", shows: (info) => mayOnModel(info, "version.release") },
  {
    path: "access-records",
    label: "review:records.tab",
    shows: (info) => mayOnModel(info, "model.manage-access"),
  },
  { path: "transparency", label: "transparency:tab" },
  // The hub shows a model's usage to its owners and maintainers: those who may release it.
  { path: "usage", label: "usage:tab", shows: (info) => mayOnModel(info, "version.release") },
];

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** A model's page: its header, and the tab the path names below it. */
export function ModelPage() {
  const { t } = useTranslation("model");
  const format = useFormat();
  const { namespace = "", name = "" } = useParams();
  const { user } = useSession();
  const apiBase = `${seg(namespace)}/${seg(name)}`;
  const [loaded, reload] = useApi<ModelInfo>(`/api/models/${apiBase}`);
  const context = useMemo<ModelContext | null>(
    () =>
      loaded.state === "done" ? { namespace, name, apiBase, info: loaded.body, reload } : null,
    [loaded, namespace, name, apiBase, reload],
  );
  if (loaded.state === "loading") {
    return <Loading />;
  }
  if (loaded.state === "failed") {
    const error = loaded.error;
    // Anonymous callers get 401 for a model they may not see, as on the Hugging
    // Face Hub; by its code it is a missing model like any other.
    if (error instanceof ApiError && NOT_FOUND_CODES.has(error.code)) {
      return <NotFound message={error.message} />;
    }
    return <ErrorMessage error={error} />;
  }
  const info = loaded.body;
  const card = info.cardData ?? {};
  const base = `/${apiBase}`;
  return (
    <div className="model-page">
      <header className="model-header">
        <h1>
          <span className="muted">{namespace} /</span> {name}
        </h1>
        <p className="badges">
          <StageBadge stage={info.gatehouse.stage} />
          <RiskBadge tier={text(card.risk_tier)} />
          {text(card.license) !== null ? (
            <span className="badge">
              {t("licence")}: {text(card.license)}
            </span>
          ) : null}
          {info.gated !== false ? <span className="badge gated">{t("gated")}</span> : null}
        </p>
        <p className="muted">
          {t("summary", {
            version: info.gatehouse.version ?? "—",
            downloads: format.number(info.downloads),
            updated: format.dateTime(info.lastModified),
          })}
        </p>
      </header>
      <nav aria-label={t("tabs.label")} className="tabs">
        <ul>
          {TABS.filter((tab) => tab.shows?.(info, user) ?? true).map((tab) => (
            <li key={tab.path}>
              <NavLink to={tab.path === "" ? base : `${base}/${tab.path}`} end>
                {t(tab.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {context !== null ? <Outlet context={context} /> : null}
    </div>
  );
}
