import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../shared/errors";
import { TextField } from "../../shared/ui/Field";
import { ErrorMessage } from "../../shared/ui/Status";
import { useSignIn } from "./account";
import { safeNext } from "./passwordRules";
import { friendly } from "./messages";

export function SignInPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"), "/account");
  const navigate = useNavigate();
  const signIn = useSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const fields = signIn.error instanceof ApiError ? signIn.error.fields : {};
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    signIn.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(next, { replace: true }) });
  };
  const query = params.get("next") ? `?next=${encodeURIComponent(next)}` : "";
  return (
    <div className="container page auth-page">
      <div className="card auth-card">
        <h1>Sign in</h1>
        {params.get("reset") === "1" ? (
          <p className="notice notice-ok" role="status">
            Your password was changed. Sign in with the new one.
          </p>
        ) : null}
        <form onSubmit={submit} noValidate>
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={fields.email}
            required
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={fields.password}
            required
          />
          {signIn.error && !Object.keys(fields).length ? (
            <ErrorMessage error={friendly(signIn.error)} onRetry={() => submit()} />
          ) : null}
          <button type="submit" className="button button-block" disabled={signIn.isPending}>
            {signIn.isPending ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <p className="small">
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
        <p className="small">
          New here? <Link to={`/register${query}`}>Create an account</Link>
        </p>
      </div>
    </div>
  );
}
