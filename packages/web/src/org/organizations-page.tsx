import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { api, seg } from "../api/client.js";
import { useApi } from "../api/use-api.js";
import { ErrorMessage, Loading } from "../components/feedback.js";
import { useAction } from "../components/use-action.js";
import type { WhoAmI } from "./org-types.js";
import "./org.css";

/** The organisations the signed-in user belongs to, with their role, and a form to found one. */
export function OrganizationsPage() {
  const { t } = useTranslation("org");
  const navigate = useNavigate();
  const [loaded] = useApi<WhoAmI>("/api/whoami-v2");
  const [name, setName] = useState("");
  const [tried, setTried] = useState(false);
  const action = useAction();
  const missing = name.trim() === "";
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setTried(true);
    if (missing) {
      return;
    }
    const created = name.trim();
    if (await action.run(() => api("/api/orgs", { method: "POST", body: { name: created } }))) {
      void navigate(`/organizations/${seg(created)}`);
    }
  };
  return (
    <section className="org-page">
      <h1>{t("list.title")}</h1>
      {loaded.state === "loading" ? <Loading /> : null}
      {loaded.state === "failed" ? <ErrorMessage error={loaded.error} /> : null}
      {loaded.state === "done" ? (
        loaded.body.orgs.length === 0 ? (
          <p>{t("list.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("list.name")}</th>
                <th scope="col">{t("list.role")}</th>
              </tr>
            </thead>
            <tbody>
              {loaded.body.orgs.map((org) => (
                <tr key={org.name}>
                  <th scope="row">
                    <Link to={`/organizations/${seg(org.name)}`}>{org.name}</Link>
                  </th>
                  <td>{t(`roles.${org.roleInOrg}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <h2>{t("list.create")}</h2>
      <form className="org-form" onSubmit={(event) => void submit(event)} noValidate>
        <div className="form-row">
          <div className="field">
            <label htmlFor="new-org">{t("list.newName")}</label>
            <input
              id="new-org"
              value={name}
              autoComplete="off"
              aria-invalid={tried && missing}
              aria-describedby={tried && missing ? "new-org-problem" : undefined}
              onChange={(event) => {
                setName(event.target.value);
              }}
            />
            {tried && missing ? (
              <p className="field-error" id="new-org-problem">
                {t("list.nameMissing")}
              </p>
            ) : null}
          </div>
          <button type="submit" className="primary" disabled={action.busy}>
            {t("list.submit")}
          </button>
        </div>
        {action.error !== null ? <ErrorMessage error={action.error} /> : null}
      </form>
    </section>
  );
}
