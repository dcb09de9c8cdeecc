import { useId, useState, type FormEvent } from "react";
import { Link, useLocation } from "react-router";
import { ApiError } from "../../shared/errors";
import { humanize } from "../../shared/format";
import { useSession } from "../../shared/hooks";
import { TextAreaField, TextField } from "../../shared/ui/Field";
import { ErrorMessage, Loading } from "../../shared/ui/Status";
import { useReviewEligibility, useSubmitReview } from "./queries";

/**
 * Writing a review. Guests are asked to sign in; a signed-in shopper learns first whether they may
 * (one review each) and whether it will show as a verified purchase; the API has the last word.
 */
export function ReviewForm({ productId, productName }: { productId: string; productName: string }) {
  const session = useSession();
  const location = useLocation();
  const eligibility = useReviewEligibility(productId);
  const submit = useSubmitReview(productId);

  if (!session) {
    const next = encodeURIComponent(location.pathname + location.search + "#write-review");
    return (
      <div className="card review-form" id="write-review">
        <h3>Review this product</h3>
        <p>
          <Link to={`/signin?next=${next}`}>Sign in</Link> to write a review.
        </p>
      </div>
    );
  }
  if (submit.isSuccess) {
    return (
      <div className="card review-form" id="write-review">
        <h3>Thank you for your review</h3>
        <p className="notice notice-ok" role="status">
          Your review is waiting for moderation. It appears here once it has been approved, usually
          within minutes.
        </p>
      </div>
    );
  }
  if (eligibility.isPending) return <Loading label="Checking whether you can review this product…" />;
  if (eligibility.error) {
    return <ErrorMessage error={eligibility.error} onRetry={() => eligibility.refetch()} />;
  }
  const may = eligibility.data;
  if (may && !may.canReview) {
    return (
      <div className="card review-form" id="write-review">
        <h3>Your review</h3>
        <p>
          You have already reviewed this product
          {may.reviewStatus && may.reviewStatus !== "published"
            ? ` (${reviewStatusText(may.reviewStatus)})`
            : ""}
          . Each shopper can write one review of a product.
        </p>
      </div>
    );
  }
  return (
    <ReviewFields
      productName={productName}
      verified={Boolean(may?.hasPurchased)}
      pending={submit.isPending}
      error={submit.error}
      onSubmit={(body) => submit.mutate(body)}
    />
  );
}

/** The API's refusals said in the shopper's terms (others keep the API's own message). */
function refusal(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === "REVIEW_EXISTS") return "You have already reviewed this product: each shopper can write one review.";
  if (error.code === "PRODUCT_NOT_FOUND") {
    return "This product can no longer be reviewed.";
  }
  if (error.status === 403) return "Your account may not review this product.";
  return null;
}

function reviewStatusText(status: string): string {
  if (status === "pending" || status === "flagged") return "waiting for moderation";
  if (status === "rejected") return "not published";
  return humanize(status).toLowerCase();
}

function ReviewFields({
  productName,
  verified,
  pending,
  error,
  onSubmit,
}: {
  productName: string;
  verified: boolean;
  pending: boolean;
  error: unknown;
  onSubmit: (body: { rating: number; title: string; content: string }) => void;
}) {
  const [rating, setRating] = useState(0);
  const [title, setTitle] = useState("");
  const [content, setContent] = useState("");
  const [missing, setMissing] = useState<Record<string, string>>({});
  const ratingName = useId();
  const fields = error instanceof ApiError ? error.fields : {};
  const fieldError = (name: string) => missing[name] ?? fields[name];
  // a refusal that is not about one field (already reviewed, product gone, offline) is said above the button
  const general = error && Object.keys(fields).length === 0 ? error : null;

  function clear(name: string) {
    if (missing[name]) setMissing(({ [name]: _, ...rest }) => rest);
  }

  function handle(event: FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!rating) problems.rating = "Choose a rating from 1 to 5 stars.";
    if (!title.trim()) problems.title = "Give your review a title.";
    if (!content.trim()) problems.content = "Write a few words about the product.";
    setMissing(problems);
    if (Object.keys(problems).length) return;
    onSubmit({ rating, title: title.trim(), content: content.trim() });
  }

  return (
    <form className="card review-form" id="write-review" onSubmit={handle} noValidate>
      <h3>Review this product</h3>
      {verified ? (
        <p className="small">
          <span className="badge badge-ok">Verified purchase</span> Your review will show that you bought it.
        </p>
      ) : null}
      <fieldset
        className={fieldError("rating") ? "star-input field-invalid" : "star-input"}
        aria-describedby={fieldError("rating") ? `${ratingName}-error` : undefined}
      >
        <legend>Your rating of {productName}</legend>
        <div className="star-options">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className="star-option">
              <input
                type="radio"
                name={ratingName}
                value={n}
                checked={rating === n}
                onChange={() => {
                  setRating(n);
                  clear("rating");
                }}
              />
              <span>
                {n} {n === 1 ? "star" : "stars"}
              </span>
            </label>
          ))}
        </div>
        {fieldError("rating") ? (
          <p id={`${ratingName}-error`} className="field-error" role="alert">
            {fieldError("rating")}
          </p>
        ) : null}
      </fieldset>
      <TextField
        label="Title"
        value={title}
        maxLength={200}
        onChange={(event) => {
          setTitle(event.target.value);
          clear("title");
        }}
        error={fieldError("title")}
      />
      <TextAreaField
        label="Your review"
        value={content}
        maxLength={5000}
        onChange={(event) => {
          setContent(event.target.value);
          clear("content");
        }}
        error={fieldError("content")}
        hint="Reviews are checked before they are published."
      />
      {general ? (
        refusal(general) ? (
          <p className="notice notice-error" role="alert">
            {refusal(general)}
          </p>
        ) : (
          <ErrorMessage error={general} />
        )
      ) : null}
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Sending…" : "Submit review"}
      </button>
    </form>
  );
}
