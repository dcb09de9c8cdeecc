import { describe, expect, it } from "vitest";
import { galleryImages, imageSrc, srcSet } from "./images";

const full = {
  id: "i",
  url: "/media/a/large.webp",
  thumbnailUrl: "/media/a/thumbnail.webp",
  mediumUrl: "/media/a/medium.webp",
  largeUrl: "/media/a/large.webp",
};

describe("srcset of the WebP variants", () => {
  it("lists each variant with its width, smallest first", () => {
    expect(srcSet(full)).toBe(
      "/media/a/thumbnail.webp 200w, /media/a/medium.webp 800w, /media/a/large.webp 1600w",
    );
  });

  it("stops at the largest variant a place needs", () => {
    expect(srcSet(full, "medium")).toBe("/media/a/thumbnail.webp 200w, /media/a/medium.webp 800w");
  });

  it("is empty when there is nothing to choose between", () => {
    expect(srcSet({ url: "/x.jpg" })).toBe("");
    expect(srcSet({ url: "/x.jpg", largeUrl: "/x.jpg" })).toBe("");
    expect(srcSet(undefined)).toBe("");
  });

  it("skips missing and repeated variants", () => {
    expect(srcSet({ url: "/o.png", thumbnailUrl: "/t.webp", mediumUrl: null, largeUrl: "/t.webp" })).toBe("");
    expect(srcSet({ url: "/o.png", thumbnailUrl: "/t.webp", largeUrl: "/l.webp" })).toBe(
      "/t.webp 200w, /l.webp 1600w",
    );
  });
});

describe("the fallback src", () => {
  it("prefers the wanted variant, then the nearest, then the original", () => {
    expect(imageSrc(full, "thumbnail")).toBe("/media/a/thumbnail.webp");
    expect(imageSrc({ url: "/o.jpg", largeUrl: "/l.webp" }, "medium")).toBe("/l.webp");
    expect(imageSrc({ url: "/o.jpg" }, "thumbnail")).toBe("/o.jpg");
    expect(imageSrc({}, "large")).toBeUndefined();
  });
});

describe("the gallery", () => {
  it("keeps usable pictures in position order", () => {
    const pictures = galleryImages([
      { id: "b", url: "/b.jpg", position: 2 },
      { id: "none", position: 0 },
      { id: "a", url: "/a.jpg", position: 1 },
    ]);
    expect(pictures.map((p) => p.id)).toEqual(["a", "b"]);
  });

  it("falls back to the product's single image URL, or nothing", () => {
    expect(galleryImages([], "/main.jpg")).toEqual([{ id: "main", url: "/main.jpg" }]);
    expect(galleryImages(undefined, null)).toEqual([]);
  });
});
