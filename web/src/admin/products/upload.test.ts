import { describe, expect, it } from "vitest";
import { outcomeOf, percent } from "./upload";

describe("upload progress", () => {
  it("is a whole percentage, bounded, zero when the size is unknown", () => {
    expect(percent(0, 200)).toBe(0);
    expect(percent(50, 200)).toBe(25);
    expect(percent(199, 200)).toBe(100);
    expect(percent(300, 200)).toBe(100);
    expect(percent(10, 0)).toBe(0);
  });
});

describe("an uploaded image's outcome", () => {
  it("keeps polling while the image is processed and checked", () => {
    expect(outcomeOf({ status: "pending", moderation: "pending", published: false }).settled).toBe(false);
    expect(outcomeOf({ status: "processed", moderation: "pending", published: false }).settled).toBe(false);
    expect(outcomeOf({ status: "processed", moderation: "approved", published: false }).settled).toBe(false);
  });

  it("settles on published, flagged, rejected or failed", () => {
    expect(outcomeOf({ status: "processed", moderation: "approved", published: true })).toEqual({
      label: "Published",
      tone: "ok",
      settled: true,
    });
    expect(outcomeOf({ status: "processed", moderation: "flagged", published: false }).tone).toBe("warn");
    expect(outcomeOf({ status: "rejected", moderation: "rejected", published: false }).label).toBe(
      "Rejected by moderation",
    );
    expect(outcomeOf({ status: "failed", moderation: "pending", published: false, error: "bad" }).tone).toBe("bad");
  });
});
