import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney, humanize, orderReference } from "./format";

describe("formatMoney", () => {
  it("shows decimal strings as dollars by default", () => {
    expect(formatMoney("19.99")).toBe("$19.99");
    expect(formatMoney("1234.5")).toBe("$1,234.50");
    expect(formatMoney("0")).toBe("$0.00");
    expect(formatMoney("0.00")).toBe("$0.00");
  });

  it("rounds to the currency's own minor units", () => {
    expect(formatMoney("1234.5", "JPY")).toBe("¥1,235");
  });

  it("uses the given currency's symbol", () => {
    expect(formatMoney("1234.50", "EUR")).toBe("€1,234.50");
    expect(formatMoney("5", "GBP")).toBe("£5.00");
  });

  it("shows negative amounts (discounts, refunds) with a sign", () => {
    expect(formatMoney("-5.00")).toBe("-$5.00");
  });

  it("shows nothing for a missing amount", () => {
    expect(formatMoney(null)).toBe("");
    expect(formatMoney(undefined)).toBe("");
    expect(formatMoney("")).toBe("");
  });

  it("shows an unreadable amount as sent rather than NaN", () => {
    expect(formatMoney("n/a")).toBe("n/a");
  });
});

describe("formatDate and formatDateTime", () => {
  it("show nothing for a missing or unreadable date", () => {
    expect(formatDate(null)).toBe("");
    expect(formatDate("not a date")).toBe("");
    expect(formatDateTime(undefined)).toBe("");
    expect(formatDateTime("")).toBe("");
  });

  it("show a readable date", () => {
    expect(formatDate("2026-03-05T12:00:00Z")).toMatch(/Mar [45], 2026/);
    expect(formatDateTime("2026-03-05T12:00:00Z")).toMatch(/Mar [45], 2026/);
  });
});

describe("humanize", () => {
  it("turns codes into sentence case", () => {
    expect(humanize("pending_payment")).toBe("Pending payment");
    expect(humanize("SHIPPED")).toBe("Shipped");
    expect(humanize("cash-on-delivery")).toBe("Cash on delivery");
    expect(humanize("out_of__stock")).toBe("Out of stock");
  });

  it("shows nothing for nothing", () => {
    expect(humanize("")).toBe("");
    expect(humanize(null)).toBe("");
    expect(humanize(undefined)).toBe("");
  });
});

describe("orderReference", () => {
  it("is an order id's first 8 characters, upper-cased", () => {
    expect(orderReference("3f9a2c1b-77aa-4c1e-9d0e-1234567890ab")).toBe("3F9A2C1B");
    expect(orderReference(undefined)).toBe("");
  });
});
