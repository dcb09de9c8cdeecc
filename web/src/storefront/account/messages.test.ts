import { describe, expect, it } from "vitest";
import { ApiError } from "../../shared/errors";
import { friendly, friendlyMessage } from "./messages";

describe("error messages for shoppers", () => {
  it("says what an error code means, with its details", () => {
    const stock = new ApiError(409, { error: "INSUFFICIENT_STOCK", details: { name: "Lamp", available: 2 } });
    expect(friendlyMessage(stock)).toBe("Only 2 of Lamp left in stock.");
    expect(friendlyMessage(new ApiError(404, { error: "COUPON_NOT_FOUND", details: { code: "nope" } }))).toBe(
      "We do not know the coupon code NOPE.",
    );
  });

  it("states the cart's per-line limit from the API's details, never a number of its own", () => {
    const limit = (details: Record<string, unknown>) =>
      friendlyMessage(new ApiError(422, { error: "QUANTITY_LIMIT_EXCEEDED", details }));
    expect(limit({ max: 12 })).toBe("At most 12 of one product per cart.");
    expect(limit({})).toBe("That is more of one product than a cart can hold.");
  });

  it("keeps the API's message for other codes, and never shows raw values", () => {
    expect(friendlyMessage(new ApiError(400, { error: "SOMETHING", message: "a reason" }))).toBe("a reason");
    expect(friendlyMessage(new Error("stack"))).toBe("Something went wrong. Please try again.");
  });

  it("keeps the status and code of the error it rewords", () => {
    const worded = friendly(new ApiError(401, { error: "INVALID_CREDENTIALS", message: "raw" })) as ApiError;
    expect([worded.status, worded.code, worded.retryable]).toEqual([401, "INVALID_CREDENTIALS", false]);
    expect(worded.message).toMatch(/do not match/);
  });
});
