import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useSession } from "../../shared/hooks";

/** A page for signed-in shoppers: a guest is sent to sign in, and back here afterwards. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/signin?next=${next}`} replace />;
  }
  return <>{children}</>;
}
