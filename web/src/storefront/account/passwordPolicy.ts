// The server's password policy (GET /api/auth/password-policy): fixed until a redeploy, so one
// load serves the session.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../shared/api";

export function usePasswordPolicy() {
  return useQuery({
    queryKey: ["password-policy"],
    queryFn: () => unwrap(api.GET("/api/auth/password-policy")),
    staleTime: 30 * 60_000,
  });
}
