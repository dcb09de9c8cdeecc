import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { formatMoney } from "../../shared/format";
import { SelectField, TextField } from "../../shared/ui/Field";
import { Pagination } from "../../shared/ui/Pagination";
import { Empty, QueryState } from "../../shared/ui/Status";
import { PageHeader } from "../ui/PageHeader";
import { StatusBadge } from "../ui/StatusBadge";
import { PRODUCT_STATUSES, useAdminProducts, type ProductFilters, type ProductStatus } from "./queries";

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

  function submit(event: FormEvent) {
    event.preventDefault();
    apply({ q: text.trim() });
  }

  return (
    <div className="stack">
      <PageHeader title="Products">
        <Link className="button" to="/products/new">
          New product
        </Link>
      </PageHeader>
      <form className="toolbar" role="search" onSubmit={submit}>
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
              {status[0].toUpperCase() + status.slice(1)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <QueryState query={products} loading="Loading products…">
        {(page) =>
          (page.data ?? []).length === 0 ? (
            <Empty title="No products match">
              <p>Try another search or status, or create a product.</p>
            </Empty>
          ) : (
            <>
              <p className="small muted" aria-live="polite">
                {page.meta?.total} products
              </p>
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Products</caption>
                  <thead>
                    <tr>
                      <th scope="col">
                        <span className="visually-hidden">Image</span>
                      </th>
                      <th scope="col">Name</th>
                      <th scope="col" className="hide-narrow">
                        Brand
                      </th>
                      <th scope="col" className="hide-narrow">
                        Category
                      </th>
                      <th scope="col" className="num">
                        Price
                      </th>
                      <th scope="col" className="num">
                        Available
                      </th>
                      <th scope="col">Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(page.data ?? []).map((product) => (
                      <tr key={product.id}>
                        <td>
                          {product.images?.[0]?.thumbnailUrl || product.image ? (
                            <img
                              className="thumb"
                              src={product.images?.[0]?.thumbnailUrl || product.image || ""}
                              alt=""
                              loading="lazy"
                            />
                          ) : null}
                        </td>
                        <td>
                          <Link to={`/products/${product.id}`}>{product.name}</Link>
                        </td>
                        <td className="hide-narrow">{product.brand}</td>
                        <td className="hide-narrow">{product.category?.name}</td>
                        <td className="num">{formatMoney(product.price, product.currency)}</td>
                        <td className="num">{product.available}</td>
                        <td>
                          <StatusBadge status={product.status} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pagination
                page={filters.page}
                totalPages={page.meta?.totalPages ?? 1}
                onPage={(next) => apply({ page: next })}
              />
            </>
          )
        }
      </QueryState>
    </div>
  );
}
