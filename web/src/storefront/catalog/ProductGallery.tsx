import { useState } from "react";
import { galleryImages, type ProductImage as Image } from "./images";
import { ProductImage } from "./ProductImage";

/** The product's pictures: a large one, and a row of thumbnails to choose it when there are more. */
export function ProductGallery({
  images,
  fallbackUrl,
  name,
}: {
  images: Image[] | undefined;
  fallbackUrl?: string | null;
  name: string;
}) {
  const pictures = galleryImages(images, fallbackUrl);
  const [index, setIndex] = useState(0);
  const shown = pictures[Math.min(index, pictures.length - 1)];
  return (
    <div className="gallery">
      <ProductImage
        image={shown}
        alt={pictures.length > 1 ? `${name}, picture ${index + 1} of ${pictures.length}` : name}
        want="large"
        sizes="(max-width: 860px) calc(100vw - 2rem), 560px"
        eager
        className="gallery-main"
      />
      {pictures.length > 1 ? (
        <ul className="gallery-thumbs" role="list" aria-label="Pictures">
          {pictures.map((picture, i) => (
            <li key={picture.id ?? i}>
              <button
                type="button"
                className={i === index ? "gallery-thumb is-current" : "gallery-thumb"}
                aria-pressed={i === index}
                aria-label={`Show picture ${i + 1} of ${pictures.length}`}
                onClick={() => setIndex(i)}
              >
                <ProductImage image={picture} alt="" want="thumbnail" upTo="thumbnail" sizes="72px" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
