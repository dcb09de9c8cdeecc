// Product pictures come as WebP variants (thumbnail, medium, large) made by the media service; a
// product entered by hand may carry only `url`, and some have no picture at all.

export interface ProductImage {
  id?: string;
  url?: string;
  thumbnailUrl?: string | null;
  mediumUrl?: string | null;
  largeUrl?: string | null;
  position?: number;
}

/** Longest edge of each variant, as the media service makes them (DEFAULT_VARIANTS). */
export const VARIANT_WIDTHS = { thumbnail: 200, medium: 800, large: 1600 } as const;

/** `srcset` candidates of an image, smallest first, each URL once; "" when there is none. */
export function srcSet(image: ProductImage | undefined, upTo: keyof typeof VARIANT_WIDTHS = "large"): string {
  if (!image) return "";
  const candidates: Array<[string | null | undefined, number]> = [
    [image.thumbnailUrl, VARIANT_WIDTHS.thumbnail],
    [image.mediumUrl, VARIANT_WIDTHS.medium],
    [image.largeUrl, VARIANT_WIDTHS.large],
  ];
  const limit = VARIANT_WIDTHS[upTo];
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const [url, width] of candidates) {
    if (!url || width > limit || seen.has(url)) continue;
    seen.add(url);
    parts.push(`${url} ${width}w`);
  }
  return parts.length > 1 ? parts.join(", ") : "";
}

/** The `src` fallback: the wanted variant, else the nearest one there is, else the original. */
export function imageSrc(
  image: ProductImage | undefined,
  want: "thumbnail" | "medium" | "large" = "medium",
): string | undefined {
  if (!image) return undefined;
  const order = {
    thumbnail: [image.thumbnailUrl, image.mediumUrl, image.largeUrl, image.url],
    medium: [image.mediumUrl, image.largeUrl, image.url, image.thumbnailUrl],
    large: [image.largeUrl, image.url, image.mediumUrl, image.thumbnailUrl],
  }[want];
  return order.find((url): url is string => Boolean(url)) ?? undefined;
}

/** A product's pictures in display order, leaving out entries with no usable URL. */
export function galleryImages(images: readonly ProductImage[] | undefined, fallbackUrl?: string | null): ProductImage[] {
  const usable = (images ?? []).filter((image) => imageSrc(image));
  usable.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  if (!usable.length && fallbackUrl) return [{ id: "main", url: fallbackUrl }];
  return usable;
}
