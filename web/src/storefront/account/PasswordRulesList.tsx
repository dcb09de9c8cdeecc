import { usePasswordPolicy } from "./passwordPolicy";
import { passwordRules } from "./passwordRules";

/**
 * The server's password rules, ticked off as the person types. Spans, not a list: it is the
 * field's hint, which is a paragraph. Until the policy has loaded (or if it cannot be), the
 * hint says the server checks it: the field stays usable and its errors still show.
 */
export function PasswordRulesList({ password, email, id }: { password: string; email: string; id: string }) {
  const { data: policy } = usePasswordPolicy();
  if (!policy) {
    return (
      <span id={id} className="password-rules">
        The password is checked when you submit.
      </span>
    );
  }
  return (
    <span id={id} className="password-rules">
      {passwordRules(policy, password, email).map((rule) => (
        <span key={rule.id} className={`password-rule rule-${rule.state}`}>
          <span aria-hidden="true">{rule.state === "met" ? "✓" : rule.state === "unmet" ? "•" : "ℹ"}</span>{" "}
          {rule.label}
          <span className="visually-hidden">
            {rule.state === "met" ? " (met)." : rule.state === "unmet" ? " (not met yet)." : ""}
          </span>
          {rule.state === "server" ? <span className="muted"> (checked when you submit)</span> : null}
        </span>
      ))}
    </span>
  );
}
