// The abandoned-cart reminder figures of the dashboard: GET /api/admin/stats/reminders?days=
// (admin), a route of its own so the dashboard's order figures stay one RPC.
import { useQuery } from "@tanstack/react-query";
import { api, type components, unwrap } from "../../shared/api";
import { formatMoney } from "../../shared/format";

/** The answer, as gateway/schemas/cart.py ReminderStatsSchema sends it. */
export type ReminderStats = components["schemas"]["ReminderStats"];

export function useReminderStats(days: number) {
  return useQuery({
    queryKey: ["admin", "stats", "reminders", days],
    queryFn: () =>
      unwrap(api.GET("/api/admin/stats/reminders", { params: { query: { days } } })),
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
