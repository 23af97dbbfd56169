import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useSession } from "../api/session.js";
import { Loading } from "../components/feedback.js";

/**
 * Shows `children` to a signed-in user only: anyone else goes to the sign-in
 * page, which brings them back here afterwards.
 */
export function RequireSignIn({ children }: { readonly children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) {
    return <Loading />;
  }
  if (user === null) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return children;
}
