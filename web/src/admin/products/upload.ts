// Product image upload with progress. openapi-fetch (fetch) cannot report upload progress, so this
// one call uses XMLHttpRequest, with the same bearer token and the same error shape as the client.
import { withAuth, type components } from "../../shared/api";
import { ApiError, type ErrorBody } from "../../shared/errors";

export type MediaUpload = components["schemas"]["MediaUpload"];
export type Media = components["schemas"]["Media"];

export function percent(loaded: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.min(100, Math.max(0, Math.round((loaded / total) * 100)));
}

function send(
  productId: string,
  file: File,
  token: string | null,
  onProgress: (percent: number) => void,
  signal?: AbortSignal,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/products/${encodeURIComponent(productId)}/images`);
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("X-Request-Id", `web-${crypto.randomUUID()}`);
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(percent(event.loaded, event.total));
    };
    xhr.onload = () => {
      let body: unknown = {};
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : {};
      } catch {
        body = {};
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new ApiError(0, {}));
    xhr.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort());
    const form = new FormData();
    form.append("image", file, file.name);
    xhr.send(form);
  });
}

/** POST /api/products/{id}/images (multipart field `image`) -> 202 {id, status}; an ApiError
 * otherwise (413 too large, 415 not an image, ...). The client's token rules (withAuth). */
export async function uploadProductImage(
  productId: string,
  file: File,
  onProgress: (percent: number) => void,
  signal?: AbortSignal,
): Promise<MediaUpload> {
  const result = await withAuth((token) => send(productId, file, token, onProgress, signal));
  if (result.status < 200 || result.status >= 300) {
    throw new ApiError(result.status, result.body as ErrorBody);
  }
  onProgress(100);
  return result.body as MediaUpload;
}

export interface Outcome {
  label: string;
  tone: "ok" | "warn" | "bad" | "info";
  /** nothing more will happen without a person: stop polling */
  settled: boolean;
}

/** What an uploaded image's processing and moderation came to, in words. */
export function outcomeOf(media: Pick<Media, "status" | "moderation" | "published" | "error">): Outcome {
  if (media.status === "failed") {
    return { label: "Could not be processed", tone: "bad", settled: true };
  }
  if (media.status === "rejected" || media.moderation === "rejected") {
    return { label: "Rejected by moderation", tone: "bad", settled: true };
  }
  if (media.moderation === "flagged") {
    return { label: "Flagged: waiting for an admin's review", tone: "warn", settled: true };
  }
  if (media.published) return { label: "Published", tone: "ok", settled: true };
  if (media.status === "processed" && media.moderation === "approved") {
    return { label: "Approved, publishing…", tone: "info", settled: false };
  }
  if (media.status === "processed") return { label: "Checking the image…", tone: "info", settled: false };
  return { label: "Processing…", tone: "info", settled: false };
}
