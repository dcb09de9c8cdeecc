import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { api, unwrap } from "../../shared/api";
import { ApiError } from "../../shared/errors";
import { TextField } from "../../shared/ui/Field";
import { Pagination } from "../../shared/ui/Pagination";
import { ErrorMessage, Loading, QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { useAdminProducts, useMayChangeProduct, useProduct, useProductsByIds } from "../products/queries";
import { DataTable } from "../ui/DataTable";
import { FilterToolbar } from "../ui/FilterToolbar";
import { FormError, fieldError } from "../ui/FormError";
import { PageHeader } from "../ui/PageHeader";

export function InventoryPage() {
  const [search, setSearch] = useSearchParams();
  const productId = search.get("product");
  const choose = (id: string | null) => {
    const next = new URLSearchParams(search);
    if (id) next.set("product", id);
    else next.delete("product");
    setSearch(next);
  };
  return (
    <div className="stack">
      <PageHeader title="Inventory" />
      {productId ? <StockPanel productId={productId} onClose={() => choose(null)} /> : null}
      <div className="dashboard-grid">
        <ProductFinder onChoose={choose} />
        <LowStockList onChoose={choose} />
      </div>
    </div>
  );
}

function ProductFinder({ onChoose }: { onChoose: (id: string) => void }) {
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  const products = useAdminProducts({ q, status: "", page: 1 }, 10);
  return (
    <section className="card stack" aria-labelledby="find-heading">
      <h2 id="find-heading">Find a product</h2>
      <FilterToolbar onApply={() => setQ(text.trim())}>
        <TextField label="Product name" type="search" value={text} onChange={(event) => setText(event.target.value)} />
      </FilterToolbar>
      <QueryState query={products}>
        {(page) => (
          <DataTable
            caption="Products found"
            compact
            columns={[
              { header: "Product", cell: (product) => product.name },
              { header: "Available", numeric: true, cell: (product) => product.available },
              {
                header: "Action",
                headerHidden: true,
                cell: (product) => (
                  <button type="button" className="button-link nowrap" onClick={() => onChoose(product.id ?? "")} aria-label={`Manage stock of ${product.name}`}>
                    Manage stock
                  </button>
                ),
              },
            ]}
            rows={page.data ?? []}
            rowKey={(product) => product.id ?? ""}
            empty="No products match"
          />
        )}
      </QueryState>
    </section>
  );
}

function LowStockList({ onChoose }: { onChoose: (id: string) => void }) {
  const [page, setPage] = useState(1);
  const low = useQuery({
    queryKey: ["admin", "low-stock", page],
    queryFn: () => unwrap(api.GET("/api/inventory/low-stock", { params: { query: { page, limit: 10 } } })),
    placeholderData: keepPreviousData,
  });
  const ids = (low.data?.data ?? []).map((row) => row.productId ?? "").filter(Boolean);
  const names = useProductsByIds(ids);
  const nameOf = (id: string) => names.data?.data?.find((product) => product.id === id)?.name ?? id;
  return (
    <section className="card stack" aria-labelledby="low-heading">
      <h2 id="low-heading">Low stock</h2>
      <QueryState query={low} loading="Loading low stock…">
        {(data) => (
          <>
            <DataTable
              caption="Low stock"
              compact
              columns={[
                {
                  header: "Product",
                  cell: (row) => (
                    <button type="button" className="button-link" onClick={() => onChoose(row.productId ?? "")}>
                      {nameOf(row.productId ?? "")}
                    </button>
                  ),
                },
                { header: "Available", numeric: true, cell: (row) => row.available },
                { header: "Threshold", numeric: true, cell: (row) => row.lowStockThreshold },
              ]}
              rows={data.data ?? []}
              rowKey={(row) => row.productId ?? ""}
              empty="Nothing is low on stock"
            />
            {(data.data ?? []).length > 0 ? <Pagination page={page} totalPages={data.meta?.totalPages ?? 1} onPage={setPage} /> : null}
          </>
        )}
      </QueryState>
    </section>
  );
}

function StockPanel({ productId, onClose }: { productId: string; onClose: () => void }) {
  const product = useProduct(productId);
  const mayChange = useMayChangeProduct(product.data);
  const stock = useQuery({
    queryKey: ["admin", "stock", productId],
    queryFn: () => unwrap(api.GET("/api/inventory/{productId}", { params: { path: { productId } } })),
    retry: (count, error) => !(error instanceof ApiError && error.status === 404) && count < 2,
  });
  const none = stock.error instanceof ApiError && stock.error.status === 404;
  return (
    <section className="card stack" aria-labelledby="stock-heading">
      <div className="spread">
        <h2 id="stock-heading">Stock of {product.data?.name ?? productId}</h2>
        <div className="row">
          <Link to={`/products/${productId}`}>Edit product</Link>
          <button type="button" className="button button-secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      {stock.isPending ? <Loading /> : null}
      {stock.error && !none ? <ErrorMessage error={stock.error} onRetry={() => stock.refetch()} /> : null}
      {none ? <p className="notice notice-info">No stock is recorded for this product yet. Set it below.</p> : null}
      {stock.data ? (
        <dl className="figures">
          <div className="figure">
            <dt>On hand</dt>
            <dd>{stock.data.onHand}</dd>
          </div>
          <div className="figure">
            <dt>Reserved</dt>
            <dd>{stock.data.reserved}</dd>
          </div>
          <div className="figure">
            <dt>Available</dt>
            <dd>{stock.data.available}</dd>
          </div>
          <div className="figure">
            <dt>Low-stock threshold</dt>
            <dd>{stock.data.lowStockThreshold}</dd>
          </div>
        </dl>
      ) : null}
      {product.data && !mayChange ? (
        <p className="notice notice-info">This product is another seller&apos;s: only they and administrators change its stock.</p>
      ) : null}
      {(stock.data || none) && mayChange ? (
        <div className="form-grid">
          <SetStockForm productId={productId} onHand={stock.data?.onHand} threshold={stock.data?.lowStockThreshold} />
          <AdjustStockForm productId={productId} />
        </div>
      ) : null}
    </section>
  );
}

function useStockSaved(productId: string) {
  const queryClient = useQueryClient();
  const toast = useToast();
  return (message: string) => {
    toast(message, "success");
    void queryClient.invalidateQueries({ queryKey: ["admin", "stock", productId] });
    void queryClient.invalidateQueries({ queryKey: ["admin", "low-stock"] });
    void queryClient.invalidateQueries({ queryKey: ["admin", "products"] });
  };
}

function SetStockForm({ productId, onHand, threshold }: { productId: string; onHand?: number; threshold?: number }) {
  const [quantity, setQuantity] = useState(onHand === undefined ? "" : String(onHand));
  const [limit, setLimit] = useState(threshold === undefined ? "" : String(threshold));
  const [reason, setReason] = useState("manual count");
  const saved = useStockSaved(productId);
  const set = useMutation({
    mutationFn: () =>
      unwrap(
        api.PUT("/api/inventory/{productId}", {
          params: { path: { productId } },
          body: {
            quantity: Number(quantity),
            reason: reason.trim(),
            ...(limit.trim() ? { lowStockThreshold: Number(limit) } : {}),
          },
        }),
      ),
    onSuccess: (level) => saved(`On hand set to ${level.onHand}`),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    set.mutate();
  }
  return (
    <form className="stack" onSubmit={submit} aria-labelledby="set-heading" noValidate>
      <h3 id="set-heading">Set stock on hand</h3>
      <FormError error={set.error} fields={["quantity", "reason", "lowStockThreshold"]} />
      <TextField label="Quantity on hand" type="number" min={0} inputMode="numeric" required value={quantity} onChange={(event) => setQuantity(event.target.value)} error={fieldError(set.error, "quantity")} />
      <TextField label="Low-stock threshold" type="number" min={0} inputMode="numeric" value={limit} onChange={(event) => setLimit(event.target.value)} error={fieldError(set.error, "lowStockThreshold")} />
      <TextField label="Reason" required value={reason} onChange={(event) => setReason(event.target.value)} error={fieldError(set.error, "reason")} />
      <div>
        <button type="submit" className="button" disabled={set.isPending}>
          Set stock
        </button>
      </div>
    </form>
  );
}

function AdjustStockForm({ productId }: { productId: string }) {
  const [delta, setDelta] = useState("");
  const [reason, setReason] = useState("");
  const saved = useStockSaved(productId);
  const adjust = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/inventory/{productId}/adjust", {
          params: { path: { productId } },
          body: { delta: Number(delta), reason: reason.trim() },
        }),
      ),
    onSuccess: (level) => {
      saved(`Stock adjusted: ${level.onHand} on hand`);
      setDelta("");
      setReason("");
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    adjust.mutate();
  }
  return (
    <form className="stack" onSubmit={submit} aria-labelledby="adjust-heading" noValidate>
      <h3 id="adjust-heading">Adjust stock</h3>
      <FormError error={adjust.error} fields={["delta", "reason"]} />
      <TextField
        label="Change"
        type="number"
        inputMode="numeric"
        required
        value={delta}
        onChange={(event) => setDelta(event.target.value)}
        error={fieldError(adjust.error, "delta")}
        hint="Add with a positive number (a delivery), remove with a negative one (damage)."
      />
      <TextField label="Reason" required value={reason} onChange={(event) => setReason(event.target.value)} error={fieldError(adjust.error, "reason")} hint="For example: delivery from supplier, damaged in storage" />
      <div>
        <button type="submit" className="button" disabled={adjust.isPending}>
          Adjust stock
        </button>
      </div>
    </form>
  );
}
