import { passwordRules } from "./passwordRules";

/** The rules a new password must meet, ticked off as the person types. */
export function PasswordRulesList({ password, email, id }: { password: string; email: string; id: string }) {
  return (
    <ul id={id} className="password-rules" aria-label="Password rules">
      {passwordRules(password, email).map((rule) => (
        <li key={rule.id} className={`rule-${rule.state}`}>
          <span aria-hidden="true">{rule.state === "met" ? "✓" : rule.state === "unmet" ? "•" : "ℹ"}</span>{" "}
          {rule.label}
          <span className="visually-hidden">
            {rule.state === "met" ? " (met)" : rule.state === "unmet" ? " (not met yet)" : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
