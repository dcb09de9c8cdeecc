import type { FormEvent, ReactNode } from "react";

/** The filters above a list: its fields side by side, applied with one button (and Enter),
 * cleared with another when something is set. A search landmark, so it can be jumped to. */
export function FilterToolbar({
  label,
  onApply,
  applyLabel = "Search",
  onClear,
  children,
}: {
  /** the landmark's name when the page has more than one, e.g. "Filter orders" */
  label?: string;
  onApply: () => void;
  applyLabel?: string;
  /** shown only when given: pass it while a filter is set */
  onClear?: () => void;
  children: ReactNode;
}) {
  function submit(event: FormEvent) {
    event.preventDefault();
    onApply();
  }
  return (
    <form className="toolbar" role="search" aria-label={label} onSubmit={submit}>
      {children}
      <button type="submit" className="button">
        {applyLabel}
      </button>
      {onClear ? (
        <button type="button" className="button button-secondary" onClick={onClear}>
          Clear
        </button>
      ) : null}
    </form>
  );
}
