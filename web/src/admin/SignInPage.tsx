import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "../shared/api";
import { signIn } from "../shared/session";
import { TextField } from "../shared/ui/Field";
import { FormError, fieldError } from "./ui/FormError";
import { PageHeader } from "./ui/PageHeader";

/** Staff sign in here with the same account and session as the storefront. A customer's
 * sign-in succeeds but the layout then tells them they have no access. */
export function SignInPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation({
    mutationFn: () => unwrap(api.POST("/api/auth/login", { body: { email, password } })),
    onSuccess: (result) => signIn(result),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate();
  }

  return (
    <main className="admin-signin" id="main">
      <form className="card stack" onSubmit={submit} noValidate>
        <PageHeader title="Sign in to the back office" />
        <p className="muted">For sellers and administrators of the shop.</p>
        <FormError error={login.error} fields={["email", "password"]} />
        <TextField
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={fieldError(login.error, "email")}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fieldError(login.error, "password")}
        />
        <button type="submit" className="button button-block" disabled={login.isPending}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
        <p className="small">
          <a href="/">Back to the shop</a>
        </p>
      </form>
    </main>
  );
}
