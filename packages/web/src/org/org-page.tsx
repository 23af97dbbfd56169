import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useParams } from "react-router";
import { ApiError, seg } from "../api/client.js";
import { useSession } from "../api/session.js";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { NotFound } from "../pages/not-found.js";
import type { OrgContext } from "./org-context.js";
import type { OrgMember } from "./org-types.js";
import "./org.css";

/**
 * An organisation's page: its members, and its webhooks below. The member
 * list decides what shows: an organisation that does not exist looks like
 * any missing page; one the user is not a member of shows the hub's refusal.
 */
export function OrgPage() {
  const { t } = useTranslation("org");
  const { org = "" } = useParams();
  const { user } = useSession();
  const orgSegment = seg(org);
  const [loaded, reload] = useApi<{ members: OrgMember[] }>(`/api/orgs/${orgSegment}/members`);
  const context = useMemo<OrgContext | null>(() => {
    if (loaded.state !== "done" || !user) {
      return null;
    }
    const members = loaded.body.members;
    const myRole = members.find((m) => m.user === user.name)?.role ?? null;
    return {
      org,
      orgSegment,
      members,
      reloadMembers: reload,
      myRole,
      managesMembers: myRole === "owner" || user.isAdmin,
    };
  }, [loaded, user, org, orgSegment, reload]);
  if (loaded.state === "loading" || user === undefined) {
    return <Loading />;
  }
  if (loaded.state === "failed") {
    const error = loaded.error;
    if (error instanceof ApiError && error.code === "NOT_FOUND") {
      return <NotFound message={error.message} />;
    }
    return (
      <section>
        <h1>{org}</h1>
        <ErrorMessage error={error} />
      </section>
    );
  }
  const base = `/organizations/${orgSegment}`;
  return (
    <div className="org-page">
      <header>
        <h1>
          <span className="muted">{t("title")} /</span> {org}
        </h1>
        {context?.myRole ? (
          <p className="muted">{t("yourRole", { role: t(`roles.${context.myRole}`) })}</p>
        ) : null}
      </header>
      <nav aria-label={t("tabs.label")} className="tabs">
        <ul>
          <li>
            <NavLink to={base} end>
              {t("tabs.members")}
            </NavLink>
          </li>
          <li>
            <NavLink to={`${base}/webhooks`}>{t("tabs.webhooks")}</NavLink>
          </li>
          {context?.managesMembers === true ? (
            <li>
              <NavLink to={`${base}/usage`}>{t("usage:tab")}</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      {context !== null ? <Outlet context={context} /> : null}
    </div>
  );
}
