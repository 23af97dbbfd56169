import { useTranslation } from "react-i18next";
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useSession } from "../api/session.js";
import { LANGUAGES } from "../i18n/resources.js";

function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className="visually-hidden">{t("language.label")}</span>
      <select
        value={i18n.resolvedLanguage ?? "en"}
        onChange={(event) => {
          void i18n.changeLanguage(event.target.value);
        }}
      >
        {LANGUAGES.map((language) => (
          <option key={language} value={language}>
            {t(`language.${language}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Account() {
  const { t } = useTranslation();
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  if (user === undefined) {
    return null;
  }
  if (user === null) {
    const next = encodeURIComponent(location.pathname + location.search);
    return (
      <Link className="button" to={`/login?next=${next}`}>
        {t("nav.signIn")}
      </Link>
    );
  }
  return (
    <div className="account">
      <span className="user-name">{user.name}</span>
      <button
        type="button"
        onClick={() => {
          void signOut().then(() => navigate("/"));
        }}
      >
        {t("nav.signOut")}
      </button>
    </div>
  );
}

/** The frame of every page: the header with navigation, language and account, then the page. */
export function Layout() {
  const { t } = useTranslation();
  const { user, ended } = useSession();
  const location = useLocation();
  if (ended && location.pathname !== "/login") {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}&expired=1`} replace />;
  }
  return (
    <>
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          {t("appName")}
        </Link>
        <nav aria-label={t("nav.label")}>
          <ul>
            <li>
              <NavLink to="/" end>
                {t("nav.models")}
              </NavLink>
            </li>
            {user ? (
              <>
                <li>
                  <NavLink to="/settings/access">{t("nav.myAccess")}</NavLink>
                </li>
                <li>
                  <NavLink to="/settings/inbox">{t("nav.inbox")}</NavLink>
                </li>
                <li>
                  <NavLink to="/settings/tokens">{t("nav.tokens")}</NavLink>
                </li>
                <li>
                  <NavLink to="/organizations">{t("nav.organizations")}</NavLink>
                </li>
                {user.isAdmin ? (
                  <li>
                    <NavLink to="/settings/audit">{t("nav.audit")}</NavLink>
                  </li>
                ) : null}
              </>
            ) : null}
          </ul>
        </nav>
        <div className="header-end">
          <LanguageSelect />
          <Account />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
