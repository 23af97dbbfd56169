import { useState, type SubmitEvent } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useSearchParams } from "react-router";
import { useSession } from "../api/session.js";
import { ErrorMessage } from "../components/feedback.js";
import { OidcSignInButton, OidcSignInError } from "./oidc-sign-in.js";

/** Only a path of this site: `next` comes from the address bar, and must not send anyone elsewhere. */
function safeNext(next: string | null): string {
  return next !== null && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/**
 * Username and password, or the hub's OpenID provider when it has one; back
 * to the page the user came from once signed in.
 */
export function SignIn() {
  const { t } = useTranslation("auth");
  const { user, signIn } = useSession();
  const [params] = useSearchParams();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get("next"));
  if (user) {
    return <Navigate to={next} replace />;
  }
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    if (username.trim() === "" || password === "") {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    signIn(username.trim(), password).then(
      () => {
        setBusy(false);
      },
      (err: unknown) => {
        setBusy(false);
        setError(err instanceof Error ? err : new Error(String(err)));
      },
    );
  };
  return (
    <section className="narrow">
      <h1>{t("signIn.title")}</h1>
      {params.get("expired") === "1" ? (
        <p className="notice" role="status">
          {t("signIn.expired")}
        </p>
      ) : null}
      <OidcSignInError code={params.get("error")} name={params.get("name")} />
      <OidcSignInButton next={next} />
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="username">{t("signIn.username")}</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            value={username}
            aria-invalid={missing && username.trim() === ""}
            onChange={(event) => {
              setUsername(event.target.value);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="password">{t("signIn.password")}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            aria-invalid={missing && password === ""}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
        </div>
        {missing ? (
          <p className="field-error" role="alert">
            {t("signIn.missing")}
          </p>
        ) : null}
        {error ? <ErrorMessage error={error} signInOn401={false} /> : null}
        <button type="submit" className="primary" disabled={busy}>
          {t("signIn.submit")}
        </button>
      </form>
    </section>
  );
}
