import { useTranslation } from "react-i18next";
import { Link } from "react-router";

/**
 * The page for anything that does not exist, and for anything the user may
 * not see: the two must look the same.
 */
export function NotFound({ message }: { readonly message?: string }) {
  const { t } = useTranslation();
  return (
    <section className="not-found">
      <h1>{t("notFound.title")}</h1>
      <p>{message ?? t("notFound.body")}</p>
      <p>
        <Link to="/">{t("notFound.home")}</Link>
      </p>
    </section>
  );
}
