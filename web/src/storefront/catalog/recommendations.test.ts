import { describe, expect, it } from "vitest";
import {
  asProduct,
  headingFor,
  notAlreadyShown,
  showSimilarSection,
  viewReporter,
  type RecommendationCard,
  type ViewSender,
} from "./recommendations";

describe("a product's recommendations", () => {
  it("are headed for the list that answered: also bought, else similar, else trending", () => {
    expect(headingFor("also_bought")).toBe("Customers also bought");
    expect(headingFor("similar")).toBe("Similar products");
    expect(headingFor("trending")).toBe("Trending now");
  });

  it("show similar products only when they add a list of their own", () => {
    expect(showSimilarSection("also_bought", "similar")).toBe(true);
    // also-bought fell back to the similar list: the same cards would show twice
    expect(showSimilarSection("similar", "similar")).toBe(false);
    // nothing similar: trending under a "Similar products" heading would mislead
    expect(showSimilarSection("also_bought", "trending")).toBe(false);
    expect(showSimilarSection("trending", "trending")).toBe(false);
  });

  it("show a similar product customers also bought only once, in the section above", () => {
    const card = (productId: string): RecommendationCard => ({ productId, slug: productId });
    expect(notAlreadyShown([card("a"), card("b"), card("c")], [card("b")]).map((c) => c.productId)).toEqual([
      "a",
      "c",
    ]);
    expect(notAlreadyShown([card("a")], undefined)).toEqual([card("a")]);
    expect(notAlreadyShown(undefined, [card("a")])).toEqual([]);
  });

  it("draw as product cards, out of stock when none is available", () => {
    const card = {
      productId: "p-1",
      slug: "kettle",
      name: "Kettle",
      price: "24.99",
      currency: "USD",
      image: null,
      ratingAverage: null,
      ratingCount: 3,
      available: 0,
    };
    expect(asProduct(card)).toMatchObject({ id: "p-1", slug: "kettle", price: "24.99", inStock: false, available: 0 });
    expect(asProduct({ ...card, available: 5 }).inStock).toBe(true);
  });
});

function fakeSender(userId: string | null, cartId: string | null = null) {
  const sent: { productId: string; cartId?: string }[] = [];
  let created = 0;
  let cart = cartId;
  const sender: ViewSender = {
    userId: () => userId,
    guestCartId: async () => {
      if (!cart) {
        created += 1;
        cart = `new-cart-${created}`;
      }
      return cart;
    },
    send: async (body) => {
      sent.push(body);
    },
  };
  return { sender, sent, created: () => created };
}

describe("reporting a view", () => {
  it("reports a product once however often the page renders it", async () => {
    const { sender, sent } = fakeSender("user-1");
    const report = viewReporter(sender);
    expect(await report("a")).toBe(true);
    expect(await report("a")).toBe(false);
    expect(await report("a")).toBe(false);
    expect(sent).toEqual([{ productId: "a" }]);
  });

  it("reports again after another product was shown: that view is the most recent", async () => {
    const { sender, sent } = fakeSender("user-1");
    const report = viewReporter(sender);
    await report("a");
    await report("b");
    await report("a");
    expect(sent.map((body) => body.productId)).toEqual(["a", "b", "a"]);
  });

  it("creates a guest's cart the first time and keeps their views with it", async () => {
    const { sender, sent, created } = fakeSender(null);
    const report = viewReporter(sender);
    await report("a");
    await report("b");
    expect(created()).toBe(1);
    expect(sent).toEqual([
      { productId: "a", cartId: "new-cart-1" },
      { productId: "b", cartId: "new-cart-1" },
    ]);
  });

  it("sends no cart for a signed-in shopper and creates none", async () => {
    const { sender, sent, created } = fakeSender("user-1", "old-guest-cart");
    await viewReporter(sender)("a");
    expect(sent).toEqual([{ productId: "a" }]);
    expect(created()).toBe(0);
  });
});
