import { useState, type FormEvent } from "react";
import { SelectField, TextAreaField, TextField } from "../../shared/ui/Field";
import { humanize } from "../../shared/format";
import { Loading } from "../../shared/ui/Status";
import { indentedName, flattenTree } from "../categories/tree";
import { useCategoryTree } from "../categories/queries";
import { FormError, fieldError } from "../ui/FormError";
import { PRODUCT_STATUSES, type Product, type ProductStatus } from "./queries";

export interface ProductValues {
  name: string;
  slug: string;
  brand: string;
  categoryId: string;
  price: string;
  compareAtPrice: string;
  currency: string;
  description: string;
  status: ProductStatus;
  featured: boolean;
}

const FIELDS = [
  "name",
  "slug",
  "brand",
  "categoryId",
  "price",
  "compareAtPrice",
  "currency",
  "description",
  "status",
  "featured",
];

export function valuesOf(product?: Product): ProductValues {
  return {
    name: product?.name ?? "",
    slug: product?.slug ?? "",
    brand: product?.brand ?? "",
    categoryId: product?.categoryId ?? "",
    price: product?.price ?? "",
    compareAtPrice: product?.compareAtPrice ?? "",
    currency: product?.currency ?? "USD",
    description: product?.description ?? "",
    status: (product?.status as ProductStatus | undefined) ?? "active",
    featured: product?.featured ?? false,
  };
}

/** The JSON body for POST/PATCH /api/products: blanks left out (the slug is then made from
 * the name), a blank compare-at price cleared. */
export function bodyOf(values: ProductValues) {
  return {
    name: values.name.trim(),
    ...(values.slug.trim() ? { slug: values.slug.trim() } : {}),
    brand: values.brand.trim(),
    categoryId: values.categoryId,
    price: values.price.trim(),
    compareAtPrice: values.compareAtPrice.trim() || null,
    currency: values.currency.trim().toUpperCase() || "USD",
    description: values.description,
    status: values.status,
    featured: values.featured,
  };
}

export function ProductForm({
  initial,
  saving,
  error,
  submitLabel,
  onSubmit,
}: {
  initial: ProductValues;
  saving: boolean;
  error: unknown;
  submitLabel: string;
  onSubmit: (values: ProductValues) => void;
}) {
  const [values, setValues] = useState(initial);
  const tree = useCategoryTree();
  const categories = flattenTree(tree.data?.data);

  function set<K extends keyof ProductValues>(key: K, value: ProductValues[K]) {
    setValues((current) => ({ ...current, [key]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit(values);
  }

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="Product details">
      <FormError error={error} fields={FIELDS} />
      <div className="form-grid">
        <TextField
          label="Name"
          required
          value={values.name}
          onChange={(event) => set("name", event.target.value)}
          error={fieldError(error, "name")}
        />
        <TextField
          label="Slug"
          value={values.slug}
          onChange={(event) => set("slug", event.target.value)}
          error={fieldError(error, "slug")}
          hint="The address in the shop, e.g. sony-wh-1000xm5. Left blank, it is made from the name."
        />
        <TextField
          label="Brand"
          value={values.brand}
          onChange={(event) => set("brand", event.target.value)}
          error={fieldError(error, "brand")}
        />
        {tree.isPending ? (
          <Loading label="Loading categories…" />
        ) : (
          <SelectField
            label="Category"
            required
            value={values.categoryId}
            onChange={(event) => set("categoryId", event.target.value)}
            error={fieldError(error, "categoryId")}
          >
            <option value="">Choose a category</option>
            {categories.map((category) => (
              <option key={category.id} value={category.id}>
                {indentedName(category)}
              </option>
            ))}
          </SelectField>
        )}
        <TextField
          label="Price"
          inputMode="decimal"
          required
          value={values.price}
          onChange={(event) => set("price", event.target.value)}
          error={fieldError(error, "price")}
          hint="For example 49.99"
        />
        <TextField
          label="Compare-at price"
          inputMode="decimal"
          value={values.compareAtPrice}
          onChange={(event) => set("compareAtPrice", event.target.value)}
          error={fieldError(error, "compareAtPrice")}
          hint="The former price, shown struck through. Optional."
        />
        <TextField
          label="Currency"
          value={values.currency}
          maxLength={3}
          onChange={(event) => set("currency", event.target.value)}
          error={fieldError(error, "currency")}
        />
        <SelectField
          label="Status"
          value={values.status}
          onChange={(event) => set("status", event.target.value as ProductStatus)}
          error={fieldError(error, "status")}
          hint="Only active products are shown in the shop."
        >
          {PRODUCT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {humanize(status)}
            </option>
          ))}
        </SelectField>
      </div>
      <TextAreaField
        label="Description"
        rows={6}
        value={values.description}
        onChange={(event) => set("description", event.target.value)}
        error={fieldError(error, "description")}
      />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={values.featured}
          onChange={(event) => set("featured", event.target.checked)}
        />
        Featured on the home page
      </label>
      <div className="form-actions">
        <button type="submit" className="button" disabled={saving}>
          {saving ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
