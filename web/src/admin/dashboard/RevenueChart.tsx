import { useEffect, useId, useRef, useState } from "react";
import { formatDate, formatMoney } from "../../shared/format";
import { labelledIndexes, layoutRevenueChart, type RevenueDay } from "./chart";

const DEFAULT_WIDTH = 720;
const HEIGHT = 260;

/** The element's width in CSS pixels, so the chart is drawn at its real size and its labels
 * stay readable on a phone (a scaled-down viewBox would shrink the text too). */
function useWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      const next = Math.round(entry.contentRect.width);
      if (next > 0) setWidth(next);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

function shortDate(iso: string): string {
  return formatDate(`${iso}T12:00:00Z`).replace(/, \d{4}$/, "");
}

/** Revenue per day as bars. Screen readers get the title and a summary; everyone can open the
 * figures as a table. */
export function RevenueChart({ days, currency }: { days: RevenueDay[]; currency: string }) {
  const id = useId();
  const [ref, width] = useWidth<HTMLElement>();
  const layout = layoutRevenueChart(days, width, HEIGHT);
  const labelled = labelledIndexes(days.length, Math.max(2, Math.floor(width / 110)));
  const busiest = days.reduce<RevenueDay | null>(
    (best, day) => (best === null || Number(day.revenue) > Number(best.revenue) ? day : best),
    null,
  );
  const summary =
    busiest && Number(busiest.revenue) > 0
      ? `Highest on ${formatDate(`${busiest.date}T12:00:00Z`)}: ${formatMoney(busiest.revenue, currency)}.`
      : "No revenue in this period.";
  return (
    <figure className="stack" style={{ margin: 0 }} ref={ref}>
      <svg
        className="chart"
        viewBox={`0 0 ${width} ${HEIGHT}`}
        width={width}
        height={HEIGHT}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{`Revenue per day, last ${days.length} days`}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {layout.ticks.map((tick) => (
          <g key={tick.value}>
            <line
              className="grid-line"
              x1={layout.plot.left}
              x2={layout.plot.left + layout.plot.width}
              y1={tick.y}
              y2={tick.y}
            />
            <text x={layout.plot.left - 6} y={tick.y + 4} textAnchor="end">
              {formatMoney(tick.value.toFixed(2), currency).replace(/\.00$/, "")}
            </text>
          </g>
        ))}
        {layout.bars.map((bar, index) => (
          <g key={bar.date}>
            <rect className="bar" x={bar.x} y={bar.y} width={bar.width} height={bar.height} rx={2}>
              <title>{`${formatDate(`${bar.date}T12:00:00Z`)}: ${formatMoney(bar.revenue, currency)}, ${bar.orders} orders`}</title>
            </rect>
            {labelled.has(index) ? (
              <text x={bar.x + bar.width / 2} y={HEIGHT - 6} textAnchor="middle">
                {shortDate(bar.date)}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <figcaption className="small muted">{summary}</figcaption>
      <details>
        <summary>Show the figures as a table</summary>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Revenue per day</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" className="num">
                  Orders
                </th>
                <th scope="col" className="num">
                  Revenue
                </th>
              </tr>
            </thead>
            <tbody>
              {days.map((day) => (
                <tr key={day.date}>
                  <td>{formatDate(`${day.date}T12:00:00Z`)}</td>
                  <td className="num">{day.orders}</td>
                  <td className="num">{formatMoney(day.revenue, currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
