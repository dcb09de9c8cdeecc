import type { ReactNode } from "react";
import { ApiError, messageOf } from "../errors";

/** A failed load or action, said plainly, with "Try again" when a retry can help. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const retryable = !(error instanceof ApiError) || error.retryable;
  return (
    <div className="notice notice-error" role="alert">
      <p>{messageOf(error)}</p>
      {onRetry && retryable ? (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
}

/** Loading, error with retry, or the data: the three states every page shows the same way. */
export function QueryState<T>({
  query,
  children,
  loading,
}: {
  query: QueryLike<T>;
  children: (data: T) => ReactNode;
  loading?: string;
}) {
  if (query.isPending) return <Loading label={loading} />;
  if (query.error) return <ErrorMessage error={query.error} onRetry={() => query.refetch()} />;
  return <>{children(query.data as T)}</>;
}
