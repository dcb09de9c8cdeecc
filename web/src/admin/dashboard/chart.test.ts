import { describe, expect, it } from "vitest";
import { labelledIndexes, layoutRevenueChart, niceStep, niceTicks } from "./chart";

describe("revenue chart scale", () => {
  it("picks steps of 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(100)).toBe(50);
    expect(niceStep(7)).toBe(2);
    expect(niceStep(0.3)).toBe(0.1);
    expect(niceStep(1234)).toBe(500);
  });

  it("ends the axis at the first tick at or above the largest value", () => {
    expect(niceTicks(1234)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(1000)).toEqual([0, 500, 1000]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it("sizes bars against the top tick and keeps zero days on the baseline", () => {
    const days = [
      { date: "2026-11-29", revenue: "0.00", orders: 0 },
      { date: "2026-11-30", revenue: "750.00", orders: 3 },
      { date: "2026-12-01", revenue: "1500.00", orders: 5 },
    ];
    const layout = layoutRevenueChart(days, 364, 232, { left: 64, right: 0, top: 8, bottom: 24 });
    expect(layout.max).toBe(1500);
    expect(layout.plot).toEqual({ left: 64, top: 8, width: 300, height: 200 });
    const [zero, half, full] = layout.bars;
    expect(zero.height).toBe(0);
    expect(zero.y).toBe(208);
    expect(half.height).toBeCloseTo(100);
    expect(full.height).toBeCloseTo(200);
    expect(full.y).toBeCloseTo(8);
    expect(full.x).toBeGreaterThan(half.x);
    expect(layout.ticks[0]).toEqual({ value: 0, y: 208 });
    expect(layout.ticks.at(-1)).toEqual({ value: 1500, y: 8 });
  });

  it("draws nothing for no days without dividing by zero", () => {
    const layout = layoutRevenueChart([], 300, 200);
    expect(layout.bars).toEqual([]);
    expect(layout.ticks.map((tick) => tick.value)).toEqual([0, 1]);
  });

  it("labels about six dates, always including the latest", () => {
    const shown = labelledIndexes(30);
    expect(shown.has(29)).toBe(true);
    expect(shown.size).toBeLessThanOrEqual(6);
    expect([...labelledIndexes(3)].sort()).toEqual([0, 1, 2]);
  });
});
