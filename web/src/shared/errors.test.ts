import { describe, expect, it } from "vitest";
import { ApiError, flattenFields, messageOf } from "./errors";

describe("flattenFields", () => {
  it("keeps top-level messages under their camelCase names", () => {
    expect(flattenFields({ email: "Not a valid email.", password: ["Too short."] })).toEqual({
      email: "Not a valid email.",
      password: "Too short.",
    });
  });

  it("joins several messages for one field into one sentence list", () => {
    expect(flattenFields({ password: ["Too short.", "Needs a digit."] })).toEqual({
      password: "Too short. Needs a digit.",
    });
  });

  it("names nested fields with dots, as the forms key them", () => {
    const fields = {
      shippingAddress: { postalCode: ["Required."], country: "Unknown country." },
      items: { "0": { quantity: ["Must be at least 1."] } },
    };
    expect(flattenFields(fields)).toEqual({
      "shippingAddress.postalCode": "Required.",
      "shippingAddress.country": "Unknown country.",
      "items.0.quantity": "Must be at least 1.",
    });
  });

  it("answers nothing for anything that is not an object of fields", () => {
    expect(flattenFields(undefined)).toEqual({});
    expect(flattenFields(null)).toEqual({});
    expect(flattenFields("oops")).toEqual({});
  });
});

describe("ApiError", () => {
  it("carries the server's code, message and field errors", () => {
    const error = new ApiError(400, {
      error: "VALIDATION_ERROR",
      message: "Check the highlighted fields.",
      details: { fields: { address: { city: ["Required."] } } },
      requestId: "req-1",
    });
    expect(error.status).toBe(400);
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.message).toBe("Check the highlighted fields.");
    expect(error.fields).toEqual({ "address.city": "Required." });
    expect(error.requestId).toBe("req-1");
  });

  it("has no field errors when the details carry none", () => {
    expect(new ApiError(409, { error: "CONFLICT" }).fields).toEqual({});
  });

  it("is a network error when there was no response", () => {
    const error = new ApiError(0, {});
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.message).toMatch(/could not reach/i);
  });

  it("tells a person when to come back after a 429, not the server's seconds", () => {
    const account = new ApiError(429, {
      message: "too many requests for this account; retry in 843s",
      details: { retryAfter: 843, scope: "account" },
    });
    expect(account.message).toBe("Too many attempts for this account: try again in 15 minutes.");
    const client = new ApiError(429, { details: { retryAfter: 1, scope: "client" } });
    expect(client.message).toBe("Too many requests: try again in 1 second.");
    expect(new ApiError(429, {}).message).toMatch(/wait a moment/);
  });

  it("gives a plain sentence when the server sent no message", () => {
    expect(new ApiError(401, {}).message).toBe("Please sign in to continue.");
    expect(new ApiError(503, {}).message).toMatch(/trouble/);
  });

  it.each([
    [0, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
    [409, false],
  ])("status %i is retryable: %s", (status, retryable) => {
    expect(new ApiError(status, {}).retryable).toBe(retryable);
  });
});

describe("messageOf", () => {
  it("shows an API error's own message", () => {
    expect(messageOf(new ApiError(402, { message: "Your card was declined." }))).toBe(
      "Your card was declined.",
    );
  });

  it("never shows a programming error's text or stack", () => {
    const message = messageOf(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(message).toBe("Something went wrong. Please try again.");
    expect(messageOf({ error: "RAW", details: {} })).not.toContain("RAW");
    expect(messageOf(undefined)).toBe("Something went wrong. Please try again.");
  });
});
