import type { ReactNode } from "react";
import { Empty } from "../../shared/ui/Status";

export interface Column<Row, Context = undefined> {
  /** the column's header; also its name for screen readers */
  header: string;
  /** the header is read out but not shown (an image or action column) */
  headerHidden?: boolean;
  cell: (row: Row, context: Context) => ReactNode;
  /** right-aligned figures (amounts, counts) */
  numeric?: boolean;
  /** left out on phones: the row still makes sense without it */
  hideNarrow?: boolean;
  nowrap?: boolean;
}

interface DataTableProps<Row, Context> {
  /** read out to screen readers as the table's name */
  caption: string;
  columns: Column<Row, Context>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  /** the empty state's title, shown instead of a table with no rows */
  empty: string;
  emptyDetail?: ReactNode;
  /** a narrow table inside a card: no minimum width, so it does not scroll needlessly */
  compact?: boolean;
  /** rows of the table's <tfoot> (totals) */
  footer?: ReactNode;
  /** A per-row hook (called once for each row, in the row's own component) whose result every
   * cell of the row receives: the row's mutation, say, shared by its controls. */
  useRow?: (row: Row) => Context;
}

function cellClass(column: Column<unknown, unknown>): string | undefined {
  const names = [column.numeric && "num", column.hideNarrow && "hide-narrow", column.nowrap && "nowrap"];
  return names.filter(Boolean).join(" ") || undefined;
}

/** The back office's one table: a caption, headers with scopes, an empty state, and a frame that
 * scrolls sideways on narrow screens instead of widening the page. */
export function DataTable<Row, Context = undefined>({
  caption,
  columns,
  rows,
  rowKey,
  empty,
  emptyDetail,
  compact,
  footer,
  useRow,
}: DataTableProps<Row, Context>) {
  if (rows.length === 0) return <Empty title={empty}>{emptyDetail}</Empty>;
  const classOf = cellClass as (column: Column<Row, Context>) => string | undefined;
  return (
    <div className="table-wrap">
      <table className={compact ? "table-compact" : undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={classOf(column)}>
                {column.headerHidden ? <span className="visually-hidden">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <DataRow key={rowKey(row)} row={row} columns={columns} classOf={classOf} useRow={useRow} />
          ))}
        </tbody>
        {footer ? <tfoot>{footer}</tfoot> : null}
      </table>
    </div>
  );
}

function noContext(): undefined {
  return undefined;
}

function DataRow<Row, Context>({
  row,
  columns,
  classOf,
  useRow,
}: {
  row: Row;
  columns: Column<Row, Context>[];
  classOf: (column: Column<Row, Context>) => string | undefined;
  useRow?: (row: Row) => Context;
}) {
  // the same hook on every render of a table (a prop fixed by the page), so the rules of hooks hold
  const context = (useRow ?? (noContext as unknown as (row: Row) => Context))(row);
  return (
    <tr>
      {columns.map((column) => (
        <td key={column.header} className={classOf(column)}>
          {column.cell(row, context)}
        </td>
      ))}
    </tr>
  );
}
