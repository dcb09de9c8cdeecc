import { describe, expect, it } from "vitest";
import { freeShippingNote } from "./storefrontConfig";

describe("the home page's shipping promise", () => {
  it("states the configured threshold in the configured currency", () => {
    expect(freeShippingNote({ freeShippingThreshold: "100.00", currency: "USD" })).toBe(
      "Free shipping on orders of $100.00 or more.",
    );
    expect(freeShippingNote({ freeShippingThreshold: "49.50", currency: "EUR" })).toBe(
      "Free shipping on orders of €49.50 or more.",
    );
  });

  it("says every order ships free at a zero threshold, and nothing when it is unknown", () => {
    expect(freeShippingNote({ freeShippingThreshold: "0.00", currency: "USD" })).toBe("Free shipping on every order.");
    expect(freeShippingNote({ currency: "USD" })).toBe("");
  });
});
