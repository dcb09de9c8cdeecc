import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type DragEvent } from "react";
import { api, unwrap } from "../../shared/api";
import { messageOf } from "../../shared/errors";
import { formatDateTime } from "../../shared/format";
import { useSession } from "../../shared/hooks";
import { ErrorMessage, Loading } from "../../shared/ui/Status";
import { useToast } from "../../shared/ui/Toasts";
import { may } from "../access";
import { outcomeOf, uploadProductImage, type Media } from "./upload";

const ACCEPT = "image/jpeg,image/png,image/webp";
const POLL_MS = 1500;
let uploads = 0; // ids for the uploads in flight (element ids must not carry file names)

interface Sending {
  key: string;
  name: string;
  preview: string;
  progress: number;
  error?: unknown;
}

function useProductMedia(productId: string) {
  return useQuery({
    queryKey: ["admin", "media", productId],
    queryFn: () =>
      unwrap(api.GET("/api/products/{productId}/media", { params: { path: { productId } } })),
    // poll while an image is still being processed or checked
    refetchInterval: (query) =>
      (query.state.data?.data ?? []).some((media) => !outcomeOf(media).settled) ? POLL_MS : false,
  });
}

/** Upload images (drop them or pick them) and follow each through processing and moderation. */
export function ImageUploads({
  productId,
  gallery,
}: {
  productId: string;
  /** the images the shop shows now (the product's `images`) */
  gallery: { id?: string; url?: string; thumbnailUrl?: string | null }[];
}) {
  const inputId = useId();
  const queryClient = useQueryClient();
  const toast = useToast();
  const media = useProductMedia(productId);
  const [sending, setSending] = useState<Sending[]>([]);
  const [dragging, setDragging] = useState(false);
  const published = useRef<Set<string> | null>(null);
  const [awaited, setAwaited] = useState<string[]>([]);
  const previews = useRef(new Set<string>());

  // an image newly published changes the product's gallery (the first load only records them)
  useEffect(() => {
    if (!media.data) return;
    const now = new Set((media.data.data ?? []).filter((m) => m.published && m.id).map((m) => m.id as string));
    const before = published.current;
    published.current = now;
    const fresh = before ? [...now].filter((id) => !before.has(id)) : [];
    if (fresh.length) setAwaited((ids) => [...new Set([...ids, ...fresh])]);
  }, [media.data]);

  // The gateway's cached product catches up once the catalog's change event arrives, so the
  // product is fetched again until its gallery shows every newly published image (for 20 s at
  // most); the timer ends with the page.
  const galleryIds = gallery.map((image) => image.id).join(" ");
  useEffect(() => {
    const shown = new Set(galleryIds.split(" "));
    const missing = awaited.filter((id) => !shown.has(id));
    if (missing.length === 0) {
      if (awaited.length) setAwaited([]);
      return;
    }
    const started = Date.now();
    const refresh = () => void queryClient.invalidateQueries({ queryKey: ["product", productId] });
    refresh();
    const timer = window.setInterval(() => {
      if (Date.now() - started > 20_000) {
        window.clearInterval(timer);
        setAwaited([]);
      } else refresh();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [awaited, galleryIds, productId, queryClient]);

  // every preview still shown is released when the page goes (a failed upload's stays until then
  // or until it is dismissed)
  useEffect(() => {
    const urls = previews.current;
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
      urls.clear();
    };
  }, []);

  function release(preview: string) {
    URL.revokeObjectURL(preview);
    previews.current.delete(preview);
  }

  function update(key: string, change: Partial<Sending>) {
    setSending((all) => all.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }

  async function send(files: FileList | File[]) {
    for (const file of Array.from(files)) {
      const key = `upload-${++uploads}`;
      const preview = URL.createObjectURL(file);
      previews.current.add(preview);
      setSending((all) => [...all, { key, name: file.name, preview, progress: 0 }]);
      try {
        await uploadProductImage(productId, file, (progress) => update(key, { progress }));
        await queryClient.invalidateQueries({ queryKey: ["admin", "media", productId] });
        setSending((all) => all.filter((item) => item.key !== key));
        release(preview);
      } catch (error) {
        update(key, { error });
      }
    }
  }

  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length) void send(event.dataTransfer.files);
  }

  const uploaded = [...(media.data?.data ?? [])].reverse();
  return (
    <section className="card stack" aria-labelledby="images-heading">
      <h2 id="images-heading">Images</h2>
      {gallery.length ? (
        <div>
          <h3 className="small">In the shop now</h3>
          <ul className="gallery">
            {gallery.map((image, index) => (
              <li key={image.id ?? image.url}>
                <img src={image.thumbnailUrl || image.url} alt={`Image ${index + 1}`} />
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted">The shop shows no image of this product yet.</p>
      )}
      <h3 className="small">Upload</h3>
      <div
        className={dragging ? "dropzone dropzone-active" : "dropzone"}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p>Drop JPEG, PNG or WebP images here (10 MB each at most), or</p>
        <input
          id={inputId}
          className="visually-hidden file-input"
          type="file"
          accept={ACCEPT}
          multiple
          onChange={(event) => {
            if (event.target.files?.length) void send(event.target.files);
            event.target.value = "";
          }}
        />
        <label htmlFor={inputId} className="button button-secondary">
          Choose images
        </label>
      </div>
      {media.isPending ? <Loading label="Loading the images…" /> : null}
      {media.error ? <ErrorMessage error={media.error} onRetry={() => media.refetch()} /> : null}
      <ul className="uploads" aria-live="polite">
        {sending.map((item) => (
          <li key={item.key} className="upload">
            <img src={item.preview} alt="" />
            <span className="small">{item.name}</span>
            {item.error ? (
              <p className="field-error" role="alert">
                Upload failed: {messageOf(item.error)}
              </p>
            ) : (
              <>
                <label className="small" htmlFor={`${item.key}-progress`}>
                  Uploading {item.progress}%
                </label>
                <progress id={`${item.key}-progress`} max={100} value={item.progress} />
              </>
            )}
            {item.error ? (
              <button
                type="button"
                className="button-link"
                onClick={() => {
                  release(item.preview);
                  setSending((all) => all.filter((other) => other.key !== item.key));
                }}
              >
                Dismiss
              </button>
            ) : null}
          </li>
        ))}
        {uploaded.map((item) => (
          <UploadedImage key={item.id} media={item} productId={productId} onReviewed={(text) => toast(text, "success")} />
        ))}
      </ul>
      {!media.isPending && uploaded.length === 0 && sending.length === 0 ? (
        <p className="muted">Nothing uploaded here yet.</p>
      ) : null}
    </section>
  );
}

function UploadedImage({
  media,
  productId,
  onReviewed,
}: {
  media: Media;
  productId: string;
  onReviewed: (text: string) => void;
}) {
  const session = useSession();
  const queryClient = useQueryClient();
  const outcome = outcomeOf(media);
  const review = useMutation({
    mutationFn: (verdict: "approved" | "rejected") =>
      unwrap(
        api.PATCH("/api/admin/media/{mediaId}", {
          params: { path: { mediaId: media.id ?? "" } },
          body: { verdict },
        }),
      ),
    onSuccess: (_data, verdict) => {
      onReviewed(verdict === "approved" ? "Image approved" : "Image rejected");
      void queryClient.invalidateQueries({ queryKey: ["admin", "media", productId] });
      void queryClient.invalidateQueries({ queryKey: ["product", productId] });
    },
  });
  const thumbnail = media.variants?.thumbnail || media.variants?.medium;
  return (
    <li className="upload">
      {thumbnail ? <img src={thumbnail} alt="" /> : <div className="upload-placeholder" aria-hidden="true" />}
      <span className={outcome.tone === "info" ? "badge" : `badge badge-${outcome.tone}`}>
        {outcome.label}
      </span>
      {media.error && media.status === "failed" ? <span className="small">{media.error}</span> : null}
      <span className="small muted">Uploaded {formatDateTime(media.createdAt)}</span>
      {media.moderation === "flagged" && may(session?.user.role, "reviewMedia") ? (
        <div className="actions">
          <button type="button" className="button" disabled={review.isPending} onClick={() => review.mutate("approved")}>
            Approve
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={review.isPending}
            onClick={() => review.mutate("rejected")}
          >
            Reject
          </button>
        </div>
      ) : null}
      {review.error ? <ErrorMessage error={review.error} /> : null}
    </li>
  );
}
