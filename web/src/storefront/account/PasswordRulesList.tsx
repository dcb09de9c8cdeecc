import { passwordRules } from "./passwordRules";

/**
 * The rules a new password must meet, ticked off as the person types. Spans, not a list: it is
 * the field's hint, which is a paragraph.
 */
export function PasswordRulesList({ password, email, id }: { password: string; email: string; id: string }) {
  return (
    <span id={id} className="password-rules">
      {passwordRules(password, email).map((rule) => (
        <span key={rule.id} className={`password-rule rule-${rule.state}`}>
          <span aria-hidden="true">{rule.state === "met" ? "✓" : rule.state === "unmet" ? "•" : "ℹ"}</span>{" "}
          {rule.label}
          <span className="visually-hidden">
            {rule.state === "met" ? " (met)." : rule.state === "unmet" ? " (not met yet)." : "."}
          </span>
        </span>
      ))}
    </span>
  );
}
