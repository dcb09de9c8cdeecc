import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError } from "../../shared/errors";
import { TextField } from "../../shared/ui/Field";
import { ErrorMessage } from "../../shared/ui/Status";
import { useRegister } from "./account";
import { useFieldErrors } from "./useFieldErrors";
import { PasswordRulesList } from "./PasswordRulesList";
import { safeNext } from "./passwordRules";
import { friendlyMessage } from "./messages";

export function RegisterPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"), "/account");
  const navigate = useNavigate();
  const register = useRegister();
  const [form, setForm] = useState({ firstName: "", lastName: "", email: "", password: "" });
  const [fields, clearField] = useFieldErrors(register.error);
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => {
    clearField(field);
    setForm((current) => ({ ...current, [field]: event.target.value }));
  };
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    register.mutate(
      { ...form, email: form.email.trim(), firstName: form.firstName.trim(), lastName: form.lastName.trim() },
      { onSuccess: () => navigate(next, { replace: true }) },
    );
  };
  const query = params.get("next") ? `?next=${encodeURIComponent(next)}` : "";
  return (
    <div className="container page auth-page">
      <div className="card auth-card">
        <h1>Create your account</h1>
        <form onSubmit={submit} noValidate>
          <div className="form-row">
            <TextField
              label="First name"
              autoComplete="given-name"
              value={form.firstName}
              onChange={set("firstName")}
              error={fields.firstName}
              required
            />
            <TextField
              label="Last name"
              autoComplete="family-name"
              value={form.lastName}
              onChange={set("lastName")}
              error={fields.lastName}
              required
            />
          </div>
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            value={form.email}
            onChange={set("email")}
            error={fields.email ?? (register.error instanceof ApiError && register.error.code === "EMAIL_TAKEN" ? friendlyMessage(register.error) : undefined)}
            required
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={set("password")}
            error={fields.password}
            hint={<PasswordRulesList id="register-password-rules" password={form.password} email={form.email} />}
            required
          />
          {register.error && !(register.error instanceof ApiError && (Object.keys(register.error.fields).length || register.error.code === "EMAIL_TAKEN")) ? (
            <ErrorMessage error={register.error} onRetry={() => submit()} />
          ) : null}
          <button type="submit" className="button button-block" disabled={register.isPending}>
            {register.isPending ? "Creating your account…" : "Create account"}
          </button>
        </form>
        <p className="small">
          Already have an account? <Link to={`/signin${query}`}>Sign in</Link>
        </p>
      </div>
    </div>
  );
}
