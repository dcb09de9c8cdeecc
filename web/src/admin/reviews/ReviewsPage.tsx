import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { api, unwrap, type components } from "../../shared/api";
import { formatDateTime, humanize } from "../../shared/format";
import { Pagination } from "../../shared/ui/Pagination";
import { Empty, ErrorMessage, QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { useConfirm } from "../ui/Confirm";
import { useProductsByIds } from "../products/queries";
import { PageHeader } from "../ui/PageHeader";
import { StatusBadge } from "../ui/StatusBadge";

type Review = components["schemas"]["AdminReview"];
const STATUSES = ["flagged", "pending", "published", "rejected"] as const;
type ReviewStatus = (typeof STATUSES)[number];

export function ReviewsPage() {
  const [search, setSearch] = useSearchParams();
  const asked = search.get("status") as ReviewStatus | null;
  const status: ReviewStatus = asked && STATUSES.includes(asked) ? asked : "flagged";
  const page = Math.max(1, Number(search.get("page")) || 1);
  const reviews = useQuery({
    queryKey: ["admin", "reviews", status, page],
    queryFn: () => unwrap(api.GET("/api/admin/reviews", { params: { query: { status, page, limit: 20 } } })),
    placeholderData: keepPreviousData,
  });
  const ids = [...new Set((reviews.data?.data ?? []).map((review) => review.productId ?? ""))].filter(Boolean);
  const products = useProductsByIds(ids);
  const nameOf = (id?: string) => products.data?.data?.find((product) => product.id === id)?.name ?? id;
  return (
    <div className="stack">
      <PageHeader title="Reviews" />
      <nav className="tabs" aria-label="Reviews by status">
        {STATUSES.map((tab) => (
          <Link key={tab} to={`?status=${tab}`} aria-current={tab === status ? "page" : undefined}>
            {tab === "flagged" ? "Flagged for review" : humanize(tab)}
          </Link>
        ))}
      </nav>
      <QueryState query={reviews} loading="Loading reviews…">
        {(data) =>
          (data.data ?? []).length === 0 ? (
            <Empty title={status === "flagged" ? "Nothing waits for moderation" : `No ${status} reviews`} />
          ) : (
            <>
              <ul className="stack" style={{ listStyle: "none", padding: 0 }}>
                {(data.data ?? []).map((review) => (
                  <ReviewCard key={review.id} review={review} productName={nameOf(review.productId)} />
                ))}
              </ul>
              <Pagination page={page} totalPages={data.meta?.totalPages ?? 1} onPage={(next) => setSearch({ status, page: String(next) })} />
            </>
          )
        }
      </QueryState>
    </div>
  );
}

function ReviewCard({ review, productName }: { review: Review; productName?: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const confirm = useConfirm();
  const decide = useMutation({
    mutationFn: (status: "published" | "rejected") =>
      unwrap(api.PATCH("/api/admin/reviews/{reviewId}", { params: { path: { reviewId: review.id ?? "" } }, body: { status } })),
    onSuccess: (updated) => {
      toast(updated.status === "published" ? "Review published" : "Review rejected", "success");
      void queryClient.invalidateQueries({ queryKey: ["admin", "reviews"] });
    },
  });
  const moderation = review.moderation;
  async function reject() {
    const yes = await confirm({ title: "Reject this review?", body: "It will not be shown in the shop.", confirmLabel: "Reject review", danger: true });
    if (yes) decide.mutate("rejected");
  }
  return (
    <li className="review-card stack">
      <div className="spread">
        <strong>
          <span aria-label={`${review.rating} out of 5 stars`}>{"★".repeat(review.rating ?? 0)}{"☆".repeat(5 - (review.rating ?? 0))}</span> {review.title}
        </strong>
        <StatusBadge status={review.status} />
      </div>
      <p>{review.content}</p>
      <p className="small muted">
        {formatDateTime(review.createdAt)} · <Link to={`/products/${review.productId}`}>{productName}</Link>
        {review.verifiedPurchase ? " · verified purchase" : ""}
      </p>
      {moderation ? (
        <div className="small">
          <p>
            Moderation: <strong>{humanize(moderation.verdict)}</strong>
            {(moderation.reasons ?? []).length ? ` because ${(moderation.reasons ?? []).map(humanize).join(", ").toLowerCase()}` : ""}
          </p>
          {moderation.scores ? (
            <ul className="scores" aria-label="Scores">
              {Object.entries(moderation.scores)
                .filter(([name]) => name !== "max")
                .map(([name, score]) => (
                <li key={name} className="badge">
                  {humanize(name)} {Math.round(score * 100)}%
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {decide.error ? <ErrorMessage error={decide.error} /> : null}
      <div className="actions">
        {review.status !== "published" ? (
          <button type="button" className="button" disabled={decide.isPending} onClick={() => decide.mutate("published")}>
            Approve and publish
          </button>
        ) : null}
        {review.status !== "rejected" ? (
          <button type="button" className="button button-secondary" disabled={decide.isPending} onClick={() => void reject()}>
            Reject
          </button>
        ) : null}
      </div>
    </li>
  );
}
