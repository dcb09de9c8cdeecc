import { imageSrc, srcSet, type ProductImage as Image } from "./images";

/**
 * A product picture from its WebP variants; `sizes` tells the browser how wide it is shown so it
 * picks the smallest file that is sharp enough. No picture: a neutral placeholder of the same
 * shape, so the layout does not jump.
 */
export function ProductImage({
  image,
  alt,
  sizes,
  want = "medium",
  upTo = "large",
  eager = false,
  className = "product-image",
}: {
  image: Image | undefined;
  alt: string;
  sizes: string;
  want?: "thumbnail" | "medium" | "large";
  upTo?: "thumbnail" | "medium" | "large";
  eager?: boolean;
  className?: string;
}) {
  const src = imageSrc(image, want);
  if (!src) {
    return (
      <div className={`${className} image-missing`} role={alt ? "img" : undefined} aria-label={alt ? `${alt}: no picture yet` : undefined}>
        <span aria-hidden="true">No picture</span>
      </div>
    );
  }
  const set = srcSet(image, upTo);
  return (
    <img
      className={className}
      src={src}
      srcSet={set || undefined}
      sizes={set ? sizes : undefined}
      alt={alt}
      width={400}
      height={400}
      loading={eager ? "eager" : "lazy"}
      decoding="async"
    />
  );
}
