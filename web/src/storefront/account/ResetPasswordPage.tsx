import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../shared/errors";
import { TextField } from "../../shared/ui/Field";
import { ErrorMessage } from "../../shared/ui/Status";
import { useResetPassword } from "./account";
import { useFieldErrors } from "./useFieldErrors";
import { PasswordRulesList } from "./PasswordRulesList";

/** Where the password-reset email's link lands: /reset-password?token=... */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const navigate = useNavigate();
  const reset = useResetPassword();
  const [password, setPassword] = useState("");
  const error = reset.error instanceof ApiError ? reset.error : null;
  const [fields, clearField] = useFieldErrors(reset.error);
  const badToken = error?.code === "INVALID_RESET_TOKEN";
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    reset.mutate({ token, password }, { onSuccess: () => navigate("/signin?reset=1", { replace: true }) });
  };
  return (
    <div className="container page auth-page">
      <div className="card auth-card">
        <h1>Choose a new password</h1>
        {!token || badToken ? (
          <div className="notice notice-error" role="alert">
            <p>This reset link is not valid any more: it may have expired or been used already.</p>
            <p>
              <Link to="/forgot-password">Ask for a new link</Link>
            </p>
          </div>
        ) : null}
        {token && !badToken ? (
          <form onSubmit={submit} noValidate>
            <TextField
              label="New password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => {
                clearField("password");
                setPassword(event.target.value);
              }}
              error={fields.password}
              hint={<PasswordRulesList id="reset-password-rules" password={password} email="" />}
              required
            />
            {reset.error && !error?.fields.password && !badToken ? (
              <ErrorMessage error={reset.error} onRetry={() => submit()} />
            ) : null}
            <button type="submit" className="button button-block" disabled={reset.isPending}>
              Set the new password
            </button>
          </form>
        ) : null}
      </div>
    </div>
  );
}
