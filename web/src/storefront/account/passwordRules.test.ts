import { describe, expect, it } from "vitest";
import { passwordLooksAcceptable, passwordRules, safeNext, type PasswordPolicy } from "./passwordRules";

// what GET /api/auth/password-policy answers (tests/integration/accounts/test_password_policy.py)
const POLICY: PasswordPolicy = {
  minLength: 10,
  maxLength: 256,
  requiresLetter: true,
  requiresDigit: true,
  emailLocalPartMin: 3,
  rules: [
    { id: "min_length", label: "At least 10 characters", text: "Must be at least 10 characters long." },
    { id: "max_length", label: "At most 256 characters", text: "Must be at most 256 characters long." },
    { id: "letter", label: "At least one letter", text: "Must contain at least one letter." },
    { id: "digit", label: "At least one digit", text: "Must contain at least one digit." },
    { id: "common", label: "Not a common password", text: "Is too common." },
    { id: "email", label: "Does not contain your email address", text: "Must not contain your email address." },
  ],
};

const state = (password: string, email = "", policy = POLICY) =>
  Object.fromEntries(passwordRules(policy, password, email).map((rule) => [rule.id, rule.state]));

describe("password rules shown before submit", () => {
  it("shows the server's rules in the server's words", () => {
    expect(passwordRules(POLICY, "x").map((rule) => rule.label)).toEqual([
      "At least 10 characters",
      "At least one letter",
      "At least one digit",
      "Not a common password",
      "Does not contain your email address",
    ]);
  });

  it("asks for the policy's length, a letter and a digit", () => {
    expect(state("short1")).toMatchObject({ min_length: "unmet", letter: "met", digit: "met" });
    expect(state("abcdefghij")).toMatchObject({ min_length: "met", digit: "unmet" });
    expect(state("1234567890")).toMatchObject({ letter: "unmet" });
    expect(state("Tangerine-42x")).toMatchObject({ min_length: "met", letter: "met", digit: "met" });
    expect(state("short1", "", { ...POLICY, minLength: 6 }).min_length).toBe("met");
  });

  it("shows the upper length limit only once it is passed", () => {
    expect(state("a1".repeat(129)).max_length).toBe("unmet");
    expect(state("a1".repeat(128)).max_length).toBeUndefined();
  });

  it("refuses a password containing the email's name, once that name is long enough", () => {
    expect(state("maria-2026-x", "Maria@example.com").email).toBe("unmet");
    expect(state("maria-2026-x", "bob@example.com").email).toBe("met");
    expect(state("jo-is-2026-x", "jo@example.com").email).toBe("met");
  });

  it("leaves the common-password check to the server", () => {
    expect(state("password1234").common).toBe("server");
    expect(passwordLooksAcceptable(POLICY, "password1234")).toBe(true);
  });

  it("an empty password meets nothing", () => {
    expect(passwordLooksAcceptable(POLICY, "")).toBe(false);
    expect(state("", "maria@example.com").email).toBe("unmet");
  });

  it("without an email (a reset link), the email rule is the server's to check", () => {
    expect(state("maria-2026-x").email).toBe("server");
  });
});

describe("where sign-in sends people back", () => {
  it("goes back to a page of this site", () => {
    expect(safeNext("/checkout")).toBe("/checkout");
    expect(safeNext("/orders/abc?x=1")).toBe("/orders/abc?x=1");
  });

  it("never to another site or back to sign-in", () => {
    expect(safeNext("//evil.example/x")).toBe("/account");
    expect(safeNext("https://evil.example")).toBe("/account");
    expect(safeNext("/\\evil.example")).toBe("/account");
    expect(safeNext("/signin?next=/x")).toBe("/account");
    expect(safeNext(null, "/")).toBe("/");
  });
});
