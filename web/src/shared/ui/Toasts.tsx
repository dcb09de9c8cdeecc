import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

export interface Toast {
  id: number;
  text: string;
  tone: "info" | "success" | "error";
}

/** How long a toast stays, in ms; null: until dismissed. An error or alert may need more time to
 * read and act on than any timer gives (WCAG 2.2.1), so it stays. */
export function toastLifetime(tone: Toast["tone"]): number | null {
  return tone === "error" ? null : 6000;
}

const ToastContext = createContext<(text: string, tone?: Toast["tone"]) => void>(() => {});

/** Short messages in a polite live region; each disappears after a few seconds (errors only when
 * dismissed) or on dismiss. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (text: string, tone: Toast["tone"] = "info") => {
      const id = Date.now() + Math.random();
      setToasts((all) => [...all.slice(-4), { id, text, tone }]);
      const lifetime = toastLifetime(tone);
      if (lifetime !== null) setTimeout(() => dismiss(id), lifetime);
    },
    [dismiss],
  );
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} className={`toast toast-${toast.tone}`}>
            <span>{toast.text}</span>
            <button type="button" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast() {
  return useContext(ToastContext);
}
