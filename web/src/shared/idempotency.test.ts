import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { IdempotencyKeys, keepsKey, keyFor } from "./idempotency";

function counter() {
  let n = 0;
  return () => `key-${++n}`;
}

function memoryStore() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    data,
  };
}

describe("keyFor", () => {
  it("keeps the key for the same body and makes a new one for another", () => {
    const next = counter();
    const first = keyFor(null, { a: 1 }, next);
    expect(first).toMatchObject({ key: "key-1", fresh: true });
    expect(keyFor(first, { a: 1 }, next)).toMatchObject({ key: "key-1", fresh: false });
    expect(keyFor(first, { a: 2 }, next)).toMatchObject({ key: "key-2", fresh: true });
  });
});

describe("keepsKey", () => {
  it("keeps the key only while the outcome is open", () => {
    expect(keepsKey(true)).toBe(false);
    expect(keepsKey(false)).toBe(false);
    expect(keepsKey(new ApiError(0, {}))).toBe(true);
    expect(keepsKey(new ApiError(503, {}))).toBe(true);
    expect(keepsKey(new ApiError(409, { error: "REQUEST_IN_FLIGHT" }))).toBe(true);
    expect(keepsKey(new ApiError(400, { error: "VALIDATION_ERROR" }))).toBe(false);
    expect(keepsKey(new TypeError("fetch failed"))).toBe(true);
  });
});

describe("IdempotencyKeys", () => {
  it("retries a body with its key until it is settled", () => {
    const keys = new IdempotencyKeys(undefined, undefined, counter());
    expect(keys.for({ status: "shipped" })).toBe("key-1");
    keys.settle(new ApiError(0, {}));
    expect(keys.for({ status: "shipped" })).toBe("key-1");
    keys.settle(true);
    expect(keys.for({ status: "shipped" })).toBe("key-2");
    keys.settle(new ApiError(422, { error: "ILLEGAL_STATUS_TRANSITION" }));
    expect(keys.for({ status: "shipped" })).toBe("key-3");
  });

  it("keeps the attempt across a reload when given a store", () => {
    const store = memoryStore();
    const before = new IdempotencyKeys("bazaar.test", store, counter());
    expect(before.for("body")).toBe("key-1");
    const after = new IdempotencyKeys("bazaar.test", store, counter());
    expect(after.for("body")).toBe("key-1");
    after.settle(true);
    expect(store.data.has("bazaar.test")).toBe(false);
  });
});
