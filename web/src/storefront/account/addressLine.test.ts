import { describe, expect, it } from "vitest";
import { addressLine } from "./addressLine";

describe("an address on one line", () => {
  it("joins what is there and skips what is not", () => {
    expect(
      addressLine({ firstName: "Ana", lastName: "Lee", address1: "1 Main St", address2: null, city: "Springfield", postalCode: "12345", country: "US" }),
    ).toBe("Ana Lee, 1 Main St, 12345 Springfield, US");
    expect(addressLine({ address1: "2 Elm", address2: "Apt 4", city: "Paris", state: "IDF", country: "FR" })).toBe(
      "2 Elm, Apt 4, Paris, IDF, FR",
    );
  });
});
