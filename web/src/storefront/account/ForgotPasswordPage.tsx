import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { ApiError } from "../../shared/errors";
import { TextField } from "../../shared/ui/Field";
import { ErrorMessage } from "../../shared/ui/Status";
import { useForgotPassword } from "./account";

export function ForgotPasswordPage() {
  const forgot = useForgotPassword();
  const [email, setEmail] = useState("");
  const fields = forgot.error instanceof ApiError ? forgot.error.fields : {};
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    forgot.mutate(email.trim());
  };
  return (
    <div className="container page auth-page">
      <div className="card auth-card">
        <h1>Forgot your password?</h1>
        {forgot.isSuccess ? (
          <div className="notice notice-ok" role="status">
            <p>
              If an account exists for {email.trim()}, we have sent it an email with a link to choose a
              new password. The link works once and expires soon.
            </p>
          </div>
        ) : (
          <form onSubmit={submit} noValidate>
            <p>Enter your email and we will send you a link to choose a new password.</p>
            <TextField
              label="Email"
              type="email"
              autoComplete="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              error={fields.email}
              required
            />
            {forgot.error && !Object.keys(fields).length ? (
              <ErrorMessage error={forgot.error} onRetry={() => submit()} />
            ) : null}
            <button type="submit" className="button button-block" disabled={forgot.isPending}>
              Send the link
            </button>
          </form>
        )}
        <p className="small">
          <Link to="/signin">Back to sign in</Link>
        </p>
      </div>
    </div>
  );
}
