// The abandoned-cart reminder figures of the dashboard: GET /api/admin/stats/reminders?days=
// (admin), a route of its own so the dashboard's order figures stay one RPC.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../shared/api";
import { formatMoney } from "../../shared/format";

/** The response, as gateway/schemas/cart.py ReminderStatsSchema sends it. Written here until
 * `make web-api` adds the route to src/api/schema.d.ts (then it equals
 * components["schemas"]["ReminderStats"]). */
export interface ReminderStats {
  sent?: number;
  recovered?: number;
  /** recovered / sent, 0 when none were sent */
  recoveryRate?: number;
  /** decimal string, the recovered carts' subtotals when they were reminded */
  recoveredCartsValue?: string;
  currency?: string;
}

// Workaround until `make web-api` regenerates src/api/schema.d.ts with this route (E3 runs it
// once every route of issue 15 is in): the typed client knows only the paths it was generated
// from, so the path and the answer are typed by hand. Once regenerated, both casts can go:
// `unwrap(api.GET("/api/admin/stats/reminders", { params: { query: { days } } }))`.
const REMINDER_STATS = "/api/admin/stats/reminders" as string as "/api/admin/stats";

export function useReminderStats(days: number) {
  return useQuery({
    queryKey: ["admin", "stats", "reminders", days],
    queryFn: async (): Promise<ReminderStats> =>
      (await unwrap(api.GET(REMINDER_STATS, { params: { query: { days } } }))) as ReminderStats,
  });
}

export interface ReminderFigures {
  sent: string;
  recovered: string;
  /** "40%", "33.3%"; a dash when nothing was sent (no rate to speak of) */
  rate: string;
  value: string;
}

/** What the card shows: counts as whole numbers, the rate as a percent with at most one
 * decimal, the value in the figures' currency. */
export function reminderFigures(stats: ReminderStats): ReminderFigures {
  const sent = stats.sent ?? 0;
  const percent = Math.round((stats.recoveryRate ?? 0) * 1000) / 10;
  return {
    sent: String(sent),
    recovered: String(stats.recovered ?? 0),
    rate: sent === 0 ? "—" : `${percent}%`,
    value: formatMoney(stats.recoveredCartsValue ?? "0", stats.currency ?? "USD"),
  };
}
