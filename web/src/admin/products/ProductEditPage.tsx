import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, unwrap } from "../../shared/api";
import { QueryState } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { useConfirm } from "../ui/Confirm";
import { FormError } from "../ui/FormError";
import { PageHeader } from "../ui/PageHeader";
import { StatusBadge } from "../ui/StatusBadge";
import { ImageUploads } from "./ImageUploads";
import { ProductForm, bodyOf, valuesOf, type ProductValues } from "./ProductForm";
import { useMayChangeProduct, useProduct } from "./queries";

export function NewProductPage() {
  const navigate = useNavigate();
  const toast = useToast();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (values: ProductValues) => unwrap(api.POST("/api/products", { body: bodyOf(values) })),
    onSuccess: (product) => {
      void queryClient.invalidateQueries({ queryKey: ["admin", "products"] });
      toast(`${product.name} created. Add its images below.`, "success");
      navigate(`/products/${product.id}`, { replace: true });
    },
  });
  return (
    <div className="stack">
      <PageHeader title="New product" />
      <p>
        <Link to="/products">Back to products</Link>
      </p>
      <ProductForm
        initial={valuesOf()}
        saving={create.isPending}
        error={create.error}
        submitLabel="Create product"
        onSubmit={(values) => create.mutate(values)}
      />
      <p className="muted">Images can be added once the product is created.</p>
    </div>
  );
}

export function ProductEditPage() {
  const { productId = "" } = useParams();
  const product = useProduct(productId);
  const mayChange = useMayChangeProduct(product.data);
  // the form starts again from the saved product after a save, not when a background refetch
  // (a newly published image, say) changes the product: typed changes are never thrown away
  const [saves, setSaves] = useState(0);
  const toast = useToast();
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const refreshed = (message: string) => {
    toast(message, "success");
    void queryClient.invalidateQueries({ queryKey: ["admin", "products"] });
    void queryClient.invalidateQueries({ queryKey: ["product", productId] });
  };
  const save = useMutation({
    mutationFn: (values: ProductValues) =>
      unwrap(
        api.PATCH("/api/products/{productId}", {
          params: { path: { productId } },
          body: bodyOf(values),
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(["product", productId], saved);
      setSaves((count) => count + 1);
      refreshed("Product saved");
    },
  });
  const archive = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE("/api/products/{productId}", { params: { path: { productId } } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(["product", productId], saved);
      setSaves((count) => count + 1);
      refreshed("Product archived: it is no longer shown in the shop");
    },
  });

  async function askArchive(name: string) {
    const yes = await confirm({
      title: `Archive ${name}?`,
      body: "It disappears from the shop; orders that contain it keep it. You can set it active again later.",
      confirmLabel: "Archive product",
      danger: true,
    });
    if (yes) archive.mutate();
  }

  return (
    <QueryState query={product} loading="Loading the product…">
      {(data) =>
        mayChange ? (
          <div className="stack">
            <PageHeader title={data.name ?? "Product"}>
              <StatusBadge status={data.status} />
            </PageHeader>
            <p className="row">
              <Link to="/products">Back to products</Link>
              {data.status === "active" && data.slug ? (
                <a href={`/products/${data.slug}`}>View in the shop</a>
              ) : null}
              <Link to={`/inventory?product=${encodeURIComponent(productId)}`}>Stock</Link>
            </p>
            <ProductForm
              key={saves}
              initial={valuesOf(data)}
              saving={save.isPending}
              error={save.error}
              submitLabel="Save changes"
              onSubmit={(values) => save.mutate(values)}
            />
            <ImageUploads productId={productId} gallery={data.images ?? []} />
            {data.status !== "archived" ? (
              <section className="card stack" aria-labelledby="archive-heading">
                <h2 id="archive-heading">Archive</h2>
                <p className="muted">Archived products are hidden from the shop but stay readable.</p>
                <FormError error={archive.error} />
                <div>
                  <button
                    type="button"
                    className="button button-danger"
                    disabled={archive.isPending}
                    onClick={() => void askArchive(data.name ?? "this product")}
                  >
                    Archive product
                  </button>
                </div>
              </section>
            ) : null}
          </div>
        ) : (
          <NotYoursNotice />
        )
      }
    </QueryState>
  );
}

/** A seller opened another seller's product by its address: the API would refuse every change
 * (404), so no form is offered. */
function NotYoursNotice() {
  return (
    <div className="stack">
      <PageHeader title="Product not found" />
      <p>No product of yours has this address.</p>
      <p>
        <Link to="/products">Back to your products</Link>
      </p>
    </div>
  );
}
