import { useState, type CSSProperties } from "react";
import { Link, useLocation } from "react-router";
import { ApiError, messageOf } from "../../shared/errors";
import { formatDate } from "../../shared/format";
import { useSession } from "../../shared/hooks";
import { Pagination } from "../../shared/ui/Pagination";
import { Empty, ErrorMessage, Loading } from "../../shared/ui/Status";
import { useHelpfulVote, useProductReviews, type Review, type ReviewSort, type ReviewsPage } from "./queries";
import { RatingStars } from "./RatingStars";
import { ReviewForm } from "./ReviewForm";
import { starShares } from "./reviews";

const REVIEW_SORTS: Record<ReviewSort, string> = {
  newest: "Newest",
  helpful: "Most helpful",
  highest: "Highest rating",
  lowest: "Lowest rating",
};

/** The product's rating summary, its published reviews, and the form to write one. */
export function ReviewsSection({ productId, productName }: { productId: string; productName: string }) {
  const [sort, setSort] = useState<ReviewSort>("newest");
  const [page, setPage] = useState(1);
  const reviews = useProductReviews(productId, sort, page);

  return (
    <section id="reviews" aria-labelledby="reviews-title" className="reviews">
      <h2 id="reviews-title">Customer reviews</h2>
      {reviews.isPending ? (
        <Loading label="Loading reviews…" />
      ) : reviews.error && !reviews.data ? (
        <ErrorMessage error={reviews.error} onRetry={() => reviews.refetch()} />
      ) : (
        <div className="reviews-layout">
          <div>
            <RatingSummary summary={reviews.data?.summary} />
            <ReviewForm productId={productId} productName={productName} />
          </div>
          <div>
            {reviews.data?.data?.length ? (
              <>
                <div className="sort-select reviews-sort">
                  <label htmlFor="review-sort">Sort reviews</label>
                  <select
                    id="review-sort"
                    className="input"
                    value={sort}
                    onChange={(event) => {
                      setSort(event.target.value as ReviewSort);
                      setPage(1);
                    }}
                  >
                    {Object.entries(REVIEW_SORTS).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </div>
                <ol className="review-list" aria-busy={reviews.isFetching}>
                  {reviews.data.data.map((review) => (
                    <ReviewItem key={review.id} review={review} />
                  ))}
                </ol>
                <Pagination
                  page={reviews.data.meta?.page ?? page}
                  totalPages={reviews.data.meta?.totalPages ?? 1}
                  onPage={setPage}
                />
              </>
            ) : (
              <Empty title="No reviews yet">
                <p>Be the first to tell other shoppers what you think.</p>
              </Empty>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function RatingSummary({ summary }: { summary: ReviewsPage["summary"] }) {
  const count = summary?.count ?? 0;
  if (!count) return null;
  const shares = starShares(summary?.distribution, count);
  return (
    <div className="rating-summary">
      <p className="rating-average">
        <span className="rating-average-value">{(summary?.average ?? 0).toFixed(1)}</span>
        <span className="muted"> out of 5</span>
      </p>
      <RatingStars average={summary?.average} count={count} />
      <table className="rating-distribution">
        <caption className="visually-hidden">Reviews per star rating</caption>
        <tbody>
          {shares.map(({ stars, count: n, percent }) => (
            <tr key={stars}>
              <th scope="row">{stars} star{stars === 1 ? "" : "s"}</th>
              <td className="bar-cell">
                <span className="bar" aria-hidden="true">
                  <span className="bar-fill" style={{ width: `${percent}%` }} />
                </span>
              </td>
              <td className="num">
                {n}
                <span className="visually-hidden"> reviews, {percent}%</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReviewItem({ review }: { review: Review }) {
  return (
    <li className="review">
      <div className="review-head">
        <RatingStarsOnly rating={review.rating ?? 0} />
        <h3 className="review-title">{review.title}</h3>
      </div>
      <p className="small muted">
        {formatDate(review.publishedAt ?? review.createdAt)}
        {review.verifiedPurchase ? (
          <>
            {" "}
            <span className="badge badge-ok">Verified purchase</span>
          </>
        ) : null}
      </p>
      <p className="review-content">{review.content}</p>
      <HelpfulButton review={review} />
    </li>
  );
}

function RatingStarsOnly({ rating }: { rating: number }) {
  return (
    <span className="stars" role="img" aria-label={`${rating} out of 5 stars`} style={{ "--rating": rating } as CSSProperties} />
  );
}

/** "Helpful": once per shopper, never on one's own review; guests are asked to sign in. */
function HelpfulButton({ review }: { review: Review }) {
  const session = useSession();
  const location = useLocation();
  const vote = useHelpfulVote();
  const [message, setMessage] = useState<string | null>(null);
  const count = vote.data?.helpfulCount ?? review.helpfulCount ?? 0;
  const people = count === 1 ? "1 person found this helpful" : `${count} people found this helpful`;

  if (!session) {
    const next = encodeURIComponent(location.pathname + location.search + "#reviews");
    return (
      <p className="helpful small">
        {count ? <span className="muted">{people}. </span> : null}
        <Link to={`/signin?next=${next}`}>Sign in to vote</Link>
      </p>
    );
  }

  if (review.userId && review.userId === session.user?.id) {
    return (
      <p className="helpful small">
        <span className="badge">Your review</span>
        {count ? <span className="muted">{people}</span> : null}
      </p>
    );
  }

  async function onVote() {
    setMessage(null);
    try {
      await vote.mutateAsync(review.id as string);
      setMessage("Thanks for your feedback.");
    } catch (error) {
      if (error instanceof ApiError && error.code === "ALREADY_VOTED") {
        setMessage("You have already marked this review as helpful.");
      } else if (error instanceof ApiError && error.code === "OWN_REVIEW_VOTE") {
        setMessage("This is your review: others decide whether it helped.");
      } else {
        setMessage(messageOf(error));
      }
    }
  }

  return (
    <div className="helpful small">
      {count ? <span className="muted">{people}</span> : null}
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={onVote}
        disabled={vote.isPending || vote.isSuccess}
        aria-describedby={message ? `helpful-${review.id}` : undefined}
      >
        Helpful
        <span className="visually-hidden">: {review.title}</span>
      </button>
      {message ? (
        <span id={`helpful-${review.id}`} role="status">
          {message}
        </span>
      ) : null}
    </div>
  );
}
