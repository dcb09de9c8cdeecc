import { describe, expect, it } from "vitest";
import { couponBody, couponValues, fromLocalInput, toLocalInput } from "./couponForm";

describe("coupon form", () => {
  it("round-trips times through the local datetime input", () => {
    const iso = "2026-12-24T18:30:00.000Z";
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(toLocalInput(null)).toBe("");
    expect(fromLocalInput("")).toBeNull();
  });

  it("sends only the value of the coupon's type, and blank limits as none", () => {
    const values = { ...couponValues(), code: " winter10 ", percentOff: "10", amountOff: "5.00" };
    const body: Record<string, unknown> = couponBody(values);
    expect(body.code).toBe("WINTER10");
    expect(body.percentOff).toBe(10);
    expect("amountOff" in body).toBe(false);
    expect(body.usageLimit).toBeNull();
    expect(body.startsAt).toBeNull();

    const fixed: Record<string, unknown> = couponBody({ ...values, type: "fixed", minSubtotal: "50.00", usageLimit: "100" });
    expect(fixed.amountOff).toBe("5.00");
    expect("percentOff" in fixed).toBe(false);
    expect(fixed.minSubtotal).toBe("50.00");
    expect(fixed.usageLimit).toBe(100);
  });

  it("fills the form from a coupon", () => {
    const values = couponValues({ code: "TEN", type: "fixed", amountOff: "10.00", usageLimit: 5, active: false });
    expect(values).toMatchObject({ code: "TEN", type: "fixed", amountOff: "10.00", usageLimit: "5", active: false });
  });
});
