import { MutationObserver, QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { CART_MUTATION_SCOPE, showChangedCart, singleFlight } from "./cartId";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("one guest cart however many first adds", () => {
  it("shares the creation in flight, and creates again once it is done", async () => {
    let created = 0;
    const gate = deferred<void>();
    const create = singleFlight(async () => {
      created += 1;
      await gate.promise;
      return `cart-${created}`;
    });
    const first = create();
    const second = create();
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual(["cart-1", "cart-1"]);
    expect(await create()).toBe("cart-2");
  });

  it("lets the next caller try again after a failure", async () => {
    let calls = 0;
    const create = singleFlight(async () => {
      calls += 1;
      if (calls === 1) throw new Error("offline");
      return "cart";
    });
    await expect(create()).rejects.toThrow("offline");
    await expect(create()).resolves.toBe("cart");
  });
});

describe("cart changes in one mutation scope", () => {
  it("sends the second change only after the first was answered, so the last answer wins", async () => {
    const client = new QueryClient();
    const events: string[] = [];
    const answers = { first: deferred<string>(), second: deferred<string>() };
    const change = (name: "first" | "second") =>
      new MutationObserver(client, {
        scope: CART_MUTATION_SCOPE,
        mutationFn: async () => {
          events.push(`send ${name}`);
          const cart = await answers[name].promise;
          events.push(`answer ${name}`);
          return cart;
        },
      });
    const first = change("first").mutate();
    const second = change("second").mutate();
    await Promise.resolve();
    answers.second.resolve("cart after second"); // an answer that would arrive early
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual(["send first"]);
    answers.first.resolve("cart after first");
    await Promise.all([first, second]);
    expect(events).toEqual(["send first", "answer first", "send second", "answer second"]);
  });
});

describe("a change's answer and a read that began before it", () => {
  it("keeps the change's cart when the older read answers last", async () => {
    const client = new QueryClient();
    const key = ["cart", "guest", "c1"];
    const read = deferred<string>();
    const reading = client.fetchQuery({ queryKey: key, queryFn: () => read.promise }).catch(() => null);
    await showChangedCart(client, key, "cart with the line");
    read.resolve("cart before the line");
    await reading;
    expect(client.getQueryData(key)).toBe("cart with the line");
  });
});
