import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import type { components } from "../../shared/api";
import { formatMoney, humanize } from "../../shared/format";
import { SelectField, TextField } from "../../shared/ui/Field";
import { Pagination } from "../../shared/ui/Pagination";
import { QueryState } from "../../shared/ui/Status";
import { DataTable, type Column } from "../ui/DataTable";
import { FilterToolbar } from "../ui/FilterToolbar";
import { PageHeader } from "../ui/PageHeader";
import { StatusBadge } from "../ui/StatusBadge";
import { PRODUCT_STATUSES, useAdminProducts, type ProductFilters, type ProductStatus } from "./queries";

type Product = components["schemas"]["Product"];

const COLUMNS: Column<Product>[] = [
  {
    header: "Image",
    headerHidden: true,
    cell: (product) =>
      product.images?.[0]?.thumbnailUrl || product.image ? (
        <img className="thumb" src={product.images?.[0]?.thumbnailUrl || product.image || ""} alt="" loading="lazy" />
      ) : null,
  },
  { header: "Name", cell: (product) => <Link to={`/products/${product.id}`}>{product.name}</Link> },
  { header: "Brand", hideNarrow: true, cell: (product) => product.brand },
  { header: "Category", hideNarrow: true, cell: (product) => product.category?.name },
  { header: "Price", numeric: true, cell: (product) => formatMoney(product.price, product.currency) },
  { header: "Available", numeric: true, cell: (product) => product.available },
  { header: "Status", cell: (product) => <StatusBadge status={product.status} /> },
];

export function ProductsPage() {
  const [search, setSearch] = useSearchParams();
  const filters: ProductFilters = {
    q: search.get("q") ?? "",
    status: (PRODUCT_STATUSES as readonly string[]).includes(search.get("status") ?? "")
      ? (search.get("status") as ProductStatus)
      : "",
    page: Math.max(1, Number(search.get("page")) || 1),
  };
  const [text, setText] = useState(filters.q);
  const products = useAdminProducts(filters);

  function apply(next: Partial<ProductFilters>) {
    const merged = { ...filters, page: 1, ...next };
    const params = new URLSearchParams();
    if (merged.q) params.set("q", merged.q);
    if (merged.status) params.set("status", merged.status);
    if (merged.page > 1) params.set("page", String(merged.page));
    setSearch(params);
  }

  return (
    <div className="stack">
      <PageHeader title="Products">
        <Link className="button" to="/products/new">
          New product
        </Link>
      </PageHeader>
      <FilterToolbar onApply={() => apply({ q: text.trim() })}>
        <TextField
          label="Search products"
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <SelectField
          label="Status"
          value={filters.status}
          onChange={(event) => apply({ status: event.target.value as ProductStatus | "" })}
        >
          <option value="">Any status</option>
          {PRODUCT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {humanize(status)}
            </option>
          ))}
        </SelectField>
      </FilterToolbar>
      <QueryState query={products} loading="Loading products…">
        {(page) => (
          <>
            {(page.data ?? []).length > 0 ? (
              <p className="small muted" aria-live="polite">
                {page.meta?.total} products
              </p>
            ) : null}
            <DataTable
              caption="Products"
              columns={COLUMNS}
              rows={page.data ?? []}
              rowKey={(product) => product.id ?? ""}
              empty="No products match"
              emptyDetail={<p>Try another search or status, or create a product.</p>}
            />
            {(page.data ?? []).length > 0 ? (
              <Pagination
                page={filters.page}
                totalPages={page.meta?.totalPages ?? 1}
                onPage={(next) => apply({ page: next })}
              />
            ) : null}
          </>
        )}
      </QueryState>
    </div>
  );
}
