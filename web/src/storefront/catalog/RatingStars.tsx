import type { CSSProperties } from "react";

/** Stars drawn for sighted shoppers, the figures read out for everyone. */
export function RatingStars({ average, count }: { average?: number; count?: number }) {
  const value = Math.max(0, Math.min(5, average ?? 0));
  if (!count) return <p className="rating rating-none small muted">No reviews yet</p>;
  return (
    <p className="rating small">
      <span className="stars" aria-hidden="true" style={{ "--rating": value } as CSSProperties} />
      <span className="visually-hidden">Rated {value.toFixed(1)} out of 5, </span>
      <span aria-hidden="true">{value.toFixed(1)} </span>
      <span className="muted">
        <span aria-hidden="true">(</span>
        {count} {count === 1 ? "review" : "reviews"}
        <span aria-hidden="true">)</span>
      </span>
    </p>
  );
}
