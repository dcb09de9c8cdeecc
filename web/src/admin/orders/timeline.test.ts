import { describe, expect, it } from "vitest";
import { describeEntry, paymentMethodName } from "./timeline";

describe("order timeline entries", () => {
  it("names a status change with who made it and why", () => {
    expect(
      describeEntry({ kind: "status", fromStatus: "awaiting_payment", toStatus: "cancelled", changedBy: "payments", reason: "payment_failed: card_declined" }),
    ).toEqual({ title: "Awaiting payment → Cancelled", detail: "by the payment provider · payment_failed: card_declined" });
    expect(describeEntry({ kind: "status", fromStatus: null, toStatus: "pending", changedBy: "u-1" }, { customerId: "u-1" })).toEqual({
      title: "Placed (Pending)",
      detail: "by the customer",
    });
  });

  it("names the reader and other staff, and a change that kept the status", () => {
    const entry = { kind: "status", fromStatus: "processing", toStatus: "processing", changedBy: "0d1c4f2a-01c7", reason: "tracking UPS 1Z" };
    expect(describeEntry(entry, { me: "0d1c4f2a-01c7" })).toEqual({ title: "Processing, updated", detail: "by you · tracking UPS 1Z" });
    expect(describeEntry(entry).detail).toBe("by staff member 0D1C4F2A · tracking UPS 1Z");
  });

  it("names a payment event with its amount, provider and reason", () => {
    expect(describeEntry({ kind: "payment", event: "payment_succeeded", amount: "54.00", currency: "USD", provider: "simulated" })).toEqual({
      title: "Payment received",
      detail: "$54.00 · via test card",
    });
    expect(describeEntry({ kind: "payment", event: "payment_failed", reason: "card_declined" }).detail).toBe("Card declined");
    expect(describeEntry({ kind: "payment", event: "payment_created", amount: "9.00", currency: "USD", provider: "cod" }).detail).toBe(
      "$9.00 · via cash on delivery",
    );
  });
});

describe("payment methods", () => {
  it("are named as shoppers know them", () => {
    expect(paymentMethodName("cod")).toBe("Cash on delivery");
    expect(paymentMethodName("card")).toBe("Card");
  });
});
