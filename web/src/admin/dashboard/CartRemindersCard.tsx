import { QueryState } from "../../shared/ui/Status";
import { reminderFigures, useReminderStats, type ReminderStats } from "./reminders";

/** The reminders of the last `days`: sent, recovered by an order, the rate and those carts'
 * value. */
export function CartRemindersCard({ days }: { days: number }) {
  const stats = useReminderStats(days);
  return (
    <section className="card" aria-labelledby="reminders-heading">
      <h2 id="reminders-heading">Abandoned-cart reminders</h2>
      <QueryState query={stats} loading="Loading the reminders…">
        {(data) => <ReminderFiguresList stats={data} />}
      </QueryState>
    </section>
  );
}

export function ReminderFiguresList({ stats }: { stats: ReminderStats }) {
  const figures = reminderFigures(stats);
  return (
    <>
      <dl className="figures">
        <div className="figure">
          <dt>Sent</dt>
          <dd>{figures.sent}</dd>
        </div>
        <div className="figure">
          <dt>Recovered by an order</dt>
          <dd>{figures.recovered}</dd>
        </div>
        <div className="figure">
          <dt>Recovery rate</dt>
          <dd>{figures.rate}</dd>
        </div>
        <div className="figure">
          <dt>Recovered carts' value</dt>
          <dd>{figures.value}</dd>
        </div>
      </dl>
      <p className="small muted">
        Sent counts every reminder a cart issued, including one whose email was then skipped (the
        cart emptied or ordered, or the customer opted out, just before it went out). A cart's
        value is its subtotal when it was reminded.
      </p>
    </>
  );
}
