import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import "./settings.css";

/** Links between the pages of a user's own account: access, tokens, password. */
export function SettingsNav() {
  const { t } = useTranslation("settings");
  return (
    <nav className="settings-nav tabs" aria-label={t("nav.label")}>
      <ul>
        <li>
          <NavLink to="/settings/access">{t("nav.access")}</NavLink>
        </li>
        <li>
          <NavLink to="/settings/tokens">{t("nav.tokens")}</NavLink>
        </li>
        <li>
          <NavLink to="/settings/password">{t("nav.password")}</NavLink>
        </li>
      </ul>
    </nav>
  );
}
