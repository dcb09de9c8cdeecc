import { Link } from "react-router";
import { Price } from "./Price";
import { ProductImage } from "./ProductImage";
import type { Product } from "./queries";
import { RatingStars } from "./RatingStars";
import { StockStatus } from "./StockStatus";

/** One product in a grid: the whole card opens the product; its one link is the name. */
export function ProductCard({ product, eager = false }: { product: Product; eager?: boolean }) {
  return (
    <li className="product-card card">
      <ProductImage
        image={product.images?.[0] ?? (product.image ? { url: product.image } : undefined)}
        alt=""
        want="thumbnail"
        upTo="medium"
        sizes="(max-width: 480px) 45vw, 220px"
        eager={eager}
      />
      <div className="product-card-body">
        {product.brand ? <p className="product-brand small muted">{product.brand}</p> : null}
        <h3 className="product-name">
          <Link to={`/products/${product.slug}`} className="product-link">
            {product.name}
          </Link>
        </h3>
        <Price price={product.price} compareAt={product.compareAtPrice} currency={product.currency} />
        <RatingStars average={product.ratingAverage} count={product.ratingCount} />
        <StockStatus product={product} />
      </div>
    </li>
  );
}

export function ProductGrid({ products, eagerCount = 4 }: { products: Product[]; eagerCount?: number }) {
  return (
    <ul className="product-grid" role="list">
      {products.map((product, index) => (
        <ProductCard key={product.id} product={product} eager={index < eagerCount} />
      ))}
    </ul>
  );
}
