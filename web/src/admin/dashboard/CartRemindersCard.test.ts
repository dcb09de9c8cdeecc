import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CartRemindersCard } from "./CartRemindersCard";
import { reminderFigures, type ReminderStats } from "./reminders";

/** The card as the dashboard shows it once the figures of the last `days` have loaded. */
function renderCard(days: number, stats: ReminderStats | undefined): string {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  if (stats) client.setQueryData(["admin", "stats", "reminders", days], stats);
  return renderToStaticMarkup(
    createElement(QueryClientProvider, { client }, createElement(CartRemindersCard, { days })),
  );
}

/** The figures as text: each term followed by its value. */
function figures(html: string): Record<string, string> {
  const pairs = [...html.matchAll(/<dt>(.*?)<\/dt><dd>(.*?)<\/dd>/g)];
  return Object.fromEntries(pairs.map(([, term, value]) => [term.replace(/&#x27;/g, "'"), value]));
}

describe("abandoned-cart reminders card", () => {
  it("shows sent, recovered, the rate as a percent and the recovered carts' value", () => {
    const html = renderCard(30, {
      sent: 3,
      recovered: 2,
      recoveryRate: 0.6667,
      recoveredCartsValue: "35.00",
      currency: "USD",
    });
    expect(html).toContain("Abandoned-cart reminders");
    expect(figures(html)).toEqual({
      Sent: "3",
      "Recovered by an order": "2",
      "Recovery rate": "66.7%",
      "Recovered carts' value": "$35.00",
    });
    expect(html).toContain("Sent counts every reminder a cart issued");
  });

  it("shows the figures of the period asked for", () => {
    const client = new QueryClient();
    client.setQueryData(["admin", "stats", "reminders", 7], { sent: 1, recovered: 0 });
    client.setQueryData(["admin", "stats", "reminders", 30], { sent: 9, recovered: 4 });
    const html = renderToStaticMarkup(
      createElement(
        QueryClientProvider,
        { client },
        createElement(CartRemindersCard, { days: 7 }),
      ),
    );
    expect(figures(html).Sent).toBe("1");
  });

  it("says it is loading before the figures arrive", () => {
    const html = renderCard(30, undefined);
    expect(html).toContain('role="status"');
    expect(html).toContain("Loading the reminders…");
  });
});

describe("reminder figures", () => {
  it("has no rate to speak of when nothing was sent", () => {
    expect(reminderFigures({ sent: 0, recovered: 0, recoveryRate: 0, recoveredCartsValue: "0.00" }))
      .toEqual({ sent: "0", recovered: "0", rate: "—", value: "$0.00" });
  });

  it("rounds the rate to one decimal and prices the value in the figures' currency", () => {
    const shown = reminderFigures({
      sent: 8,
      recovered: 1,
      recoveryRate: 0.125,
      recoveredCartsValue: "1234.50",
      currency: "EUR",
    });
    expect(shown.rate).toBe("12.5%");
    expect(shown.value).toBe("€1,234.50");
  });
});
