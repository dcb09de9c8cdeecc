import { describe, expect, it } from "vitest";
import { isAboutOrder, orderReference, reasonText, statusLabel, statusTone } from "./orderStatus";

describe("order status in words", () => {
  it("names the statuses for shoppers", () => {
    expect(statusLabel("awaiting_payment")).toBe("Awaiting payment");
    expect(statusLabel("confirmed")).toBe("Confirmed");
    expect(statusLabel("on_hold")).toBe("On hold");
    expect(statusTone("cancelled")).toBe("badge-bad");
  });

  it("shows the short reference the emails use", () => {
    expect(orderReference("391dd468-6a11-4027-ad6a-64532b4545e5")).toBe("391DD468");
  });

  it("turns a history reason into a sentence", () => {
    expect(reasonText("payment_failed: card_declined")).toBe("Payment failed: card declined");
    expect(reasonText(null)).toBe("");
  });

  it("picks the live messages about one order", () => {
    expect(isAboutOrder({ data: { orderId: "o1", toStatus: "confirmed" } }, "o1")).toBe(true);
    expect(isAboutOrder({ data: { orderId: "o2" } }, "o1")).toBe(false);
    expect(isAboutOrder({}, "o1")).toBe(false);
  });
});
