import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { ApiError } from "../../shared/errors";
import { formatDate } from "../../shared/format";
import { TextField } from "../../shared/ui/Field";
import { ErrorMessage, QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { useProfile, useSignOutEverywhere, useUpdateProfile, type Address } from "./account";

type User = NonNullable<ReturnType<typeof useProfile>["data"]>;

export function ProfilePage() {
  const profile = useProfile();
  return (
    <div className="stack">
      <h1>Your profile</h1>
      <QueryState query={profile} loading="Loading your profile…">
        {(user) => <ProfileForm user={user} />}
      </QueryState>
      <SignOutEverywhere />
    </div>
  );
}

function ProfileForm({ user }: { user: User }) {
  const update = useUpdateProfile();
  const toast = useToast();
  const [form, setForm] = useState({
    firstName: user.firstName ?? "",
    lastName: user.lastName ?? "",
    phone: user.phone ?? "",
  });
  const [cartReminders, setCartReminders] = useState(user.cartReminders ?? true);
  const fields = update.error instanceof ApiError ? update.error.fields : {};
  const set = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    update.mutate(
      {
        firstName: form.firstName.trim(),
        lastName: form.lastName.trim(),
        phone: form.phone.trim() || null,
        cartReminders,
      },
      { onSuccess: () => toast("Your profile was saved.", "success") },
    );
  };
  return (
    <form className="card" onSubmit={submit} noValidate>
      <p className="muted small">
        {user.email} · customer since {formatDate(user.createdAt)}
      </p>
      <div className="form-row">
        <TextField label="First name" autoComplete="given-name" value={form.firstName} onChange={set("firstName")} error={fields.firstName} />
        <TextField label="Last name" autoComplete="family-name" value={form.lastName} onChange={set("lastName")} error={fields.lastName} />
      </div>
      <TextField label="Phone (optional)" type="tel" autoComplete="tel" value={form.phone} onChange={set("phone")} error={fields.phone} />
      <label className="checkbox">
        <input type="checkbox" checked={cartReminders} onChange={(event) => setCartReminders(event.target.checked)} />
        Email me about items left in my cart
      </label>
      {update.error && !Object.keys(fields).length ? <ErrorMessage error={update.error} onRetry={() => submit()} /> : null}
      <button type="submit" className="button" disabled={update.isPending}>
        {update.isPending ? "Saving…" : "Save"}
      </button>
    </form>
  );
}

function SignOutEverywhere() {
  const signOutAll = useSignOutEverywhere();
  const navigate = useNavigate();
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Signed-in devices</h2>
      <p>Signed in on a shared or lost device? Sign out everywhere, this browser included.</p>
      {signOutAll.error ? <ErrorMessage error={signOutAll.error} onRetry={() => signOutAll.mutate()} /> : null}
      <button
        type="button"
        className="button button-secondary"
        disabled={signOutAll.isPending}
        onClick={() => signOutAll.mutate(undefined, { onSuccess: () => navigate("/signin") })}
      >
        Sign out everywhere
      </button>
    </section>
  );
}

export type { Address };
