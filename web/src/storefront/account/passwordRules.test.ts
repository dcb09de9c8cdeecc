import { describe, expect, it } from "vitest";
import { passwordLooksAcceptable, passwordRules, safeNext } from "./passwordRules";

const state = (password: string, email = "") =>
  Object.fromEntries(passwordRules(password, email).map((rule) => [rule.id, rule.state]));

describe("password rules shown before submit", () => {
  it("asks for ten characters, a letter and a digit", () => {
    expect(state("short1")).toMatchObject({ length: "unmet", letter: "met", digit: "met" });
    expect(state("abcdefghij")).toMatchObject({ length: "met", digit: "unmet" });
    expect(state("1234567890")).toMatchObject({ letter: "unmet" });
    expect(state("Tangerine-42x")).toMatchObject({ length: "met", letter: "met", digit: "met" });
  });

  it("refuses a password containing the email's name, once that name is long enough", () => {
    expect(state("maria-2026-x", "Maria@example.com").email).toBe("unmet");
    expect(state("maria-2026-x", "bob@example.com").email).toBe("met");
    expect(state("jo-is-2026-x", "jo@example.com").email).toBe("met");
  });

  it("leaves the common-password check to the server", () => {
    expect(state("password1234").common).toBe("server");
    expect(passwordLooksAcceptable("password1234")).toBe(true);
  });

  it("an empty password meets nothing", () => {
    expect(passwordLooksAcceptable("")).toBe(false);
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
