// Geometry of the revenue chart: pure functions, so the scaling is tested without a browser.
// Amounts arrive as decimal strings; they are turned into numbers only to size bars.

export interface RevenueDay {
  date: string;
  revenue: string;
  orders: number;
}

export interface Bar {
  date: string;
  revenue: string;
  orders: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tick {
  value: number;
  y: number;
}

export interface ChartLayout {
  bars: Bar[];
  ticks: Tick[];
  max: number;
  plot: { left: number; top: number; width: number; height: number };
}

/** A "nice" step for about `count` intervals up to `max`: 1, 2 or 5 times a power of ten. */
export function niceStep(max: number, count = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Ticks from 0 to the first nice value at or above `max` (0..1 when everything is zero). */
export function niceTicks(max: number, count = 4): number[] {
  const step = niceStep(max, count);
  const top = max > 0 ? Math.ceil(max / step - 1e-9) * step : step;
  const ticks: number[] = [];
  for (let value = 0; value <= top + step / 2; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/** Bars for each day inside a width x height box, leaving `left` for the axis labels and
 * `bottom` for the dates. A day with zero revenue has a zero-height bar at the baseline. */
export function layoutRevenueChart(
  days: RevenueDay[],
  width: number,
  height: number,
  margins = { left: 64, right: 8, top: 8, bottom: 24 },
): ChartLayout {
  const plot = {
    left: margins.left,
    top: margins.top,
    width: Math.max(0, width - margins.left - margins.right),
    height: Math.max(0, height - margins.top - margins.bottom),
  };
  const values = days.map((day) => Math.max(0, Number(day.revenue) || 0));
  const ticksValues = niceTicks(Math.max(0, ...values));
  const max = ticksValues[ticksValues.length - 1];
  const slot = days.length ? plot.width / days.length : 0;
  const gap = Math.min(4, slot * 0.2);
  const bars = days.map((day, index) => {
    const barHeight = (values[index] / max) * plot.height;
    return {
      date: day.date,
      revenue: day.revenue,
      orders: day.orders,
      x: plot.left + index * slot + gap / 2,
      y: plot.top + plot.height - barHeight,
      width: Math.max(0, slot - gap),
      height: barHeight,
    };
  });
  const ticks = ticksValues.map((value) => ({
    value,
    y: plot.top + plot.height - (value / max) * plot.height,
  }));
  return { bars, ticks, max, plot };
}

/** Which dates get a label under the axis: about `count` of them, always the last. */
export function labelledIndexes(length: number, count = 6): Set<number> {
  const every = Math.max(1, Math.ceil(length / count));
  const shown = new Set<number>();
  for (let index = length - 1; index >= 0; index -= every) shown.add(index);
  return shown;
}
