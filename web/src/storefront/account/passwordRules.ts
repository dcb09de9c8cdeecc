// The password rules shown while a person types, before they submit. The rules and their words
// come from the server (GET /api/auth/password-policy, built from services/accounts/domain.py
// `password_problems`), which stays the authority: it may still refuse, and its field errors are
// shown next to the field. The browser only ticks off what it can see with the policy's own
// numbers; "not a common password" cannot be judged here, so it is stated, not checked.
import type { components } from "../../shared/api";

export type PasswordPolicy = components["schemas"]["PasswordPolicy"];

export type RuleState = "met" | "unmet" | "server";

export interface PasswordRule {
  id: string;
  label: string;
  state: RuleState;
}

function emailName(email: string): string {
  return email.trim().toLowerCase().split("@", 1)[0] ?? "";
}

/** Whether the browser can tell `rule` is met, or "server" when only the server can. */
function judge(id: string, policy: PasswordPolicy, password: string, email: string): RuleState {
  const length = [...password].length;
  const met = (ok: boolean): RuleState => (ok ? "met" : "unmet");
  switch (id) {
    case "min_length":
      return met(length >= (policy.minLength ?? 0));
    case "max_length":
      return met(policy.maxLength === undefined || length <= policy.maxLength);
    case "letter":
      return met(/\p{L}/u.test(password));
    case "digit":
      return met(/\p{Nd}/u.test(password));
    case "email": {
      if (!email.trim()) return "server";
      const name = emailName(email);
      const checked = name.length >= (policy.emailLocalPartMin ?? 1);
      return met(password !== "" && !(checked && password.toLowerCase().includes(name)));
    }
    default:
      return "server";
  }
}

/**
 * Every rule of the policy with its state. The upper length limit is only shown once it is
 * broken: a checklist item nobody can miss by typing is noise.
 */
export function passwordRules(policy: PasswordPolicy, password: string, email = ""): PasswordRule[] {
  return (policy.rules ?? [])
    .map((rule) => ({
      id: rule.id ?? "",
      label: rule.label ?? rule.text ?? "",
      state: judge(rule.id ?? "", policy, password, email),
    }))
    .filter((rule) => rule.id !== "max_length" || rule.state === "unmet");
}

/** True when every rule the browser can judge is met (the server still decides). */
export function passwordLooksAcceptable(policy: PasswordPolicy, password: string, email = ""): boolean {
  return passwordRules(policy, password, email).every((rule) => rule.state !== "unmet");
}

/**
 * Where to go after signing in: the `next` parameter when it is a path on this site, else the
 * fallback. Never another origin ("//evil.example", "https://...").
 */
export function safeNext(next: string | null | undefined, fallback = "/account"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) {
    return fallback;
  }
  if (next.startsWith("/signin") || next.startsWith("/register")) return fallback;
  return next;
}
