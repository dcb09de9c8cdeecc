import { MutationObserver, QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { fingerprintOf, IdempotencyKeys, keepsKey, keyedMutation, keyFor, type Keyed } from "./idempotency";

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

describe("settling one key", () => {
  it("leaves a later body's open attempt alone", () => {
    const keys = new IdempotencyKeys(undefined, undefined, counter());
    const first = keys.for({ quantity: 2 });
    const second = keys.for({ quantity: 3 });
    keys.settle(true, first);
    expect(keys.for({ quantity: 3 })).toBe(second);
    keys.settle(true, second);
    expect(keys.for({ quantity: 3 })).toBe("key-3");
  });

  it("gives a request without a body a fingerprint too", () => {
    expect(fingerprintOf(undefined)).toBe("");
  });
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}

describe("keyedMutation", () => {
  function setup() {
    const client = new QueryClient();
    const keys = new IdempotencyKeys(undefined, undefined, counter());
    const sent: string[] = [];
    const answers: ReturnType<typeof deferred<string>>[] = [];
    const { mutation, keyed } = keyedMutation(keys, {
      scope: { id: "cart" },
      send: (body: { productId: string; quantity: number }, key: string) => {
        sent.push(`${body.productId}x${body.quantity} ${key}`);
        const answer = deferred<string>();
        answers.push(answer);
        return answer.promise;
      },
    });
    const mutate = (body: { productId: string; quantity: number }) =>
      new MutationObserver<string, Error, Keyed<typeof body>>(client, mutation).mutate(keyed(body));
    return { sent, answers, mutate };
  }

  const settled = () => new Promise((r) => setTimeout(r, 10));

  it("sends a double click queued behind the first with the first's key", async () => {
    const { sent, answers, mutate } = setup();
    const first = mutate({ productId: "mug", quantity: 1 });
    const second = mutate({ productId: "mug", quantity: 1 });
    await settled();
    answers[0].resolve("cart");
    await first;
    await settled();
    answers[1].resolve("cart (replayed)");
    await second;
    expect(sent).toEqual(["mugx1 key-1", "mugx1 key-1"]);
  });

  it("sends a click after the answer with a new key: it is another intent", async () => {
    const { sent, answers, mutate } = setup();
    const first = mutate({ productId: "mug", quantity: 1 });
    await settled();
    answers[0].resolve("cart");
    await first;
    const again = mutate({ productId: "mug", quantity: 1 });
    await settled();
    answers[1].resolve("cart");
    await again;
    expect(sent).toEqual(["mugx1 key-1", "mugx1 key-2"]);
  });

  it("retries with the same key after a lost answer", async () => {
    const { sent, answers, mutate } = setup();
    const first = mutate({ productId: "mug", quantity: 1 });
    await settled();
    answers[0].reject(new ApiError(0, {}));
    await expect(first).rejects.toBeInstanceOf(ApiError);
    const retry = mutate({ productId: "mug", quantity: 1 });
    await settled();
    answers[1].resolve("cart");
    await retry;
    expect(sent).toEqual(["mugx1 key-1", "mugx1 key-1"]);
  });
});
