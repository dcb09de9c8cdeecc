import { describe, expect, it } from "vitest";
import { toastLifetime } from "./Toasts";

describe("toastLifetime", () => {
  it("keeps errors and alerts until they are dismissed", () => {
    expect(toastLifetime("error")).toBeNull();
  });

  it("lets news and confirmations fade after a few seconds", () => {
    expect(toastLifetime("info")).toBe(6000);
    expect(toastLifetime("success")).toBe(6000);
  });
});
