import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { api, unwrap, type components } from "../../shared/api";
import { formatDateTime, humanize } from "../../shared/format";
import { Pagination } from "../../shared/ui/Pagination";
import { Empty, ErrorMessage, QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { useConfirm } from "../ui/Confirm";
import { PageHeader } from "../ui/PageHeader";

type Letter = components["schemas"]["DeadLetter"];
type Source = "orders" | "payments";

function useDeadLetters(source: Source, page: number, includeReplayed: boolean) {
  return useQuery({
    queryKey: ["admin", "dead-letters", source, page, includeReplayed],
    queryFn: () => {
      const query = { page, limit: 20, includeReplayed };
      return source === "orders"
        ? unwrap(api.GET("/api/admin/orders/dead-letters", { params: { query } }))
        : unwrap(api.GET("/api/admin/payments/dead-letters", { params: { query } }));
    },
    placeholderData: keepPreviousData,
  });
}

export function DeadLettersPage() {
  const [search, setSearch] = useSearchParams();
  const source: Source = search.get("source") === "payments" ? "payments" : "orders";
  const page = Math.max(1, Number(search.get("page")) || 1);
  const includeReplayed = search.get("replayed") === "1";
  const letters = useDeadLetters(source, page, includeReplayed);
  const go = (next: { source?: Source; page?: number; replayed?: boolean }) => {
    const params = new URLSearchParams();
    params.set("source", next.source ?? source);
    if ((next.replayed ?? includeReplayed) === true) params.set("replayed", "1");
    if ((next.page ?? 1) > 1) params.set("page", String(next.page));
    setSearch(params);
  };
  return (
    <div className="stack">
      <PageHeader title="Dead letters" />
      <p className="muted">Events whose handling kept failing. Fix the cause, then replay them.</p>
      <nav className="tabs" aria-label="Service">
        {(["orders", "payments"] as const).map((tab) => (
          <Link key={tab} to={`?source=${tab}`} aria-current={tab === source ? "page" : undefined}>
            {humanize(tab)}
          </Link>
        ))}
      </nav>
      <label className="checkbox">
        <input type="checkbox" checked={includeReplayed} onChange={(event) => go({ replayed: event.target.checked })} />
        Show replayed letters too
      </label>
      <QueryState query={letters} loading="Loading dead letters…">
        {(data) =>
          (data.data ?? []).length === 0 ? (
            <Empty title="No dead letters">
              <p>Every {source} event was handled.</p>
            </Empty>
          ) : (
            <>
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Dead letters of {source}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Event</th>
                      <th scope="col">Error</th>
                      <th scope="col" className="num">
                        Attempts
                      </th>
                      <th scope="col">Failed</th>
                      <th scope="col">
                        <span className="visually-hidden">Replay</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {(data.data ?? []).map((letter) => (
                      <LetterRow key={letter.id} letter={letter} source={source} />
                    ))}
                  </tbody>
                </table>
              </div>
              <Pagination page={page} totalPages={data.meta?.totalPages ?? 1} onPage={(next) => go({ page: next })} />
            </>
          )
        }
      </QueryState>
    </div>
  );
}

function LetterRow({ letter, source }: { letter: Letter; source: Source }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const confirm = useConfirm();
  const replay = useMutation({
    mutationFn: () => {
      const path = { letterId: letter.id ?? "" };
      return source === "orders"
        ? unwrap(api.POST("/api/admin/orders/dead-letters/{letterId}/replay", { params: { path } }))
        : unwrap(api.POST("/api/admin/payments/dead-letters/{letterId}/replay", { params: { path } }));
    },
    onSuccess: () => {
      toast(`${humanize(letter.eventType)} replayed`, "success");
      void queryClient.invalidateQueries({ queryKey: ["admin", "dead-letters"] });
    },
  });
  async function askReplay() {
    const yes = await confirm({
      title: `Replay ${humanize(letter.eventType).toLowerCase()}?`,
      body: `The ${letter.handler} handler runs again with the same event. Handlers are idempotent: an event already applied changes nothing.`,
      confirmLabel: "Replay",
    });
    if (yes) replay.mutate();
  }
  const payload = Object.entries(letter.payload ?? {});
  return (
    <tr>
      <td>
        <strong>{humanize(letter.eventType)}</strong>
        <div className="small muted">
          from {letter.sourceService}, handled by <span className="mono">{letter.handler}</span>
        </div>
        {payload.length ? (
          <details className="small">
            <summary>Event data</summary>
            <dl>
              {payload.map(([key, value]) => (
                <div key={key} className="row">
                  <dt className="mono">{key}</dt>
                  <dd className="mono" style={{ margin: 0 }}>
                    {typeof value === "object" ? JSON.stringify(value) : String(value)}
                  </dd>
                </div>
              ))}
            </dl>
          </details>
        ) : null}
      </td>
      <td className="small" style={{ maxWidth: "22rem", overflowWrap: "anywhere" }}>
        {letter.error}
      </td>
      <td className="num">{letter.attempts}</td>
      <td className="small">{formatDateTime(letter.createdAt)}</td>
      <td>
        {letter.replayedAt ? (
          <span className="small">Replayed {formatDateTime(letter.replayedAt)}</span>
        ) : (
          <button type="button" className="button button-secondary" disabled={replay.isPending} onClick={() => void askReplay()}>
            Replay
          </button>
        )}
        {replay.error ? <ErrorMessage error={replay.error} /> : null}
      </td>
    </tr>
  );
}
