import { useEffect, type ReactNode } from "react";

/** The page's heading (and document title), with its main actions beside it. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Bazaar back office`;
  }, [title]);
  return (
    <div className="spread page-header">
      <h1>{title}</h1>
      {children ? <div className="row">{children}</div> : null}
    </div>
  );
}
