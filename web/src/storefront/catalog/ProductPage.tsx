import { Link, useParams } from "react-router";
import { ApiError } from "../../shared/errors";
import { ErrorMessage, Loading } from "../../shared/ui/Status";
import { AddToCartForm } from "./AddToCartForm";
import { AlsoBoughtSection } from "./AlsoBoughtSection";
import { Breadcrumbs } from "./Breadcrumbs";
import { findBySlug, trail } from "./categories";
import { Price } from "./Price";
import { ProductGallery } from "./ProductGallery";
import { useCategoryTree, useDocumentTitle, useProductBySlug, type Product } from "./queries";
import { RatingStars } from "./RatingStars";
import { useReportView } from "./recommendations";
import { ReviewsSection } from "./ReviewsSection";
import { SimilarProducts } from "./SimilarProducts";
import { StockStatus } from "./StockStatus";

/** /products/:slug: pictures, price, stock, add to cart, description, what customers also
 * bought, reviews, similar products. Showing a product notes it in the shopper's recently viewed. */
export default function ProductPage() {
  const { slug = "" } = useParams();
  const product = useProductBySlug(slug);
  useDocumentTitle(product.data?.name ?? (product.error ? "Product not found" : undefined));

  if (product.isPending) {
    return (
      <div className="container page">
        <Loading label="Loading the product…" />
      </div>
    );
  }
  if (product.error) {
    if (product.error instanceof ApiError && product.error.status === 404) {
      return (
        <div className="container page">
          <h1>Product not found</h1>
          <p>This product is not in the shop any more, or the link is mistyped.</p>
          <Link to="/search" className="button">
            Browse products
          </Link>
        </div>
      );
    }
    return (
      <div className="container page">
        <h1>Product</h1>
        <ErrorMessage error={product.error} onRetry={() => product.refetch()} />
      </div>
    );
  }
  return <ProductDetail product={product.data} />;
}

function ProductDetail({ product }: { product: Product }) {
  const tree = useCategoryTree();
  const category = product.category?.slug ? findBySlug(tree.data, product.category.slug) : undefined;
  const path = category ? trail(tree.data, category) : product.category ? [product.category] : [];
  const attributes = Object.entries(product.attributes ?? {}).filter(
    ([, value]) => typeof value === "string" || typeof value === "number",
  );
  const name = product.name ?? "";
  useReportView(product.id);
  return (
    <div className="container page">
      <Breadcrumbs trail={path} current={name} />
      <article className="product-detail" aria-labelledby="product-title">
        <ProductGallery images={product.images} fallbackUrl={product.image} name={name} />
        <div className="product-info">
          {product.brand ? <p className="product-brand muted">{product.brand}</p> : null}
          <h1 id="product-title">{name}</h1>
          <a href="#reviews" className="rating-link">
            <RatingStars average={product.ratingAverage} count={product.ratingCount} />
          </a>
          <Price price={product.price} compareAt={product.compareAtPrice} currency={product.currency} large />
          <p>
            <StockStatus product={product} />
          </p>
          <AddToCartForm product={product} />
          {product.description ? (
            <section aria-labelledby="description-title" className="product-description">
              <h2 id="description-title">About this product</h2>
              <p>{product.description}</p>
            </section>
          ) : null}
          {attributes.length ? (
            <section aria-labelledby="details-title">
              <h2 id="details-title">Details</h2>
              <dl className="attributes">
                {attributes.map(([key, value]) => (
                  <div key={key}>
                    <dt>{key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, " ")}</dt>
                    <dd>{String(value)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ) : null}
        </div>
      </article>
      {product.id ? <AlsoBoughtSection productId={product.id} /> : null}
      {product.id ? <ReviewsSection productId={product.id} productName={name} /> : null}
      {product.id ? <SimilarProducts productId={product.id} /> : null}
    </div>
  );
}
