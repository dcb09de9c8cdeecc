// The password rules shown while a person types, before they submit. The server is the authority
// (services/accounts/domain.py `password_problems`): it may still refuse, and its field errors
// are shown next to the field. "Not a common password" cannot be judged here, so it is stated,
// not checked.

export const MIN_PASSWORD_LENGTH = 10;
const MIN_LOCAL_PART_CHECKED = 3;

export type RuleState = "met" | "unmet" | "server";

export interface PasswordRule {
  id: "length" | "letter" | "digit" | "email" | "common";
  label: string;
  state: RuleState;
}

function emailName(email: string): string {
  return email.trim().toLowerCase().split("@", 1)[0] ?? "";
}

export function passwordRules(password: string, email = ""): PasswordRule[] {
  const name = emailName(email);
  const containsName = name.length >= MIN_LOCAL_PART_CHECKED && password.toLowerCase().includes(name);
  return [
    {
      id: "length",
      label: `At least ${MIN_PASSWORD_LENGTH} characters`,
      state: [...password].length >= MIN_PASSWORD_LENGTH ? "met" : "unmet",
    },
    { id: "letter", label: "At least one letter", state: /\p{L}/u.test(password) ? "met" : "unmet" },
    { id: "digit", label: "At least one digit", state: /\p{Nd}/u.test(password) ? "met" : "unmet" },
    email.trim()
      ? {
          id: "email",
          label: "Does not contain the name of your email address",
          state: password && !containsName ? "met" : "unmet",
        }
      : {
          id: "email",
          label: "Does not contain the name of your email address (checked when you submit)",
          state: "server",
        },
    { id: "common", label: "Not a common password (checked when you submit)", state: "server" },
  ];
}

/** True when every rule the browser can judge is met (the server still decides). */
export function passwordLooksAcceptable(password: string, email = ""): boolean {
  return passwordRules(password, email).every((rule) => rule.state !== "unmet");
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
