// Live updates over the gateway's WebSocket (/ws): one socket per signed-in tab, authenticated
// with the access token, reconnected with backoff, re-authenticated after a token refresh.
// Frames: {"type": "order_status_changed", "data": {...}, "notification": {...} | null}.
import { useEffect, useRef, useSyncExternalStore } from "react";
import { accessToken, getSession, refresh, subscribe as onSession } from "./session";

export interface LiveMessage {
  type: string;
  data?: Record<string, unknown>;
  notification?: Record<string, unknown> | null;
}

type Handler = (message: LiveMessage) => void;
export type LiveStatus = "offline" | "connecting" | "live";

const handlers = new Set<Handler>();
const statusListeners = new Set<() => void>();
let socket: WebSocket | null = null;
let status: LiveStatus = "offline";
let attempt = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let token: string | null = null;

function setStatus(next: LiveStatus) {
  status = next;
  statusListeners.forEach((notify) => notify());
}

function url(): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws`;
}

async function connect() {
  clearTimeout(timer);
  const wanted = await accessToken();
  if (!wanted || handlers.size === 0) return close();
  if (socket && token === wanted) return;
  close();
  token = wanted;
  setStatus("connecting");
  const ws = new WebSocket(url());
  socket = ws;
  ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token: wanted }));
  ws.onmessage = (event) => {
    let message: LiveMessage;
    try {
      message = JSON.parse(String(event.data)) as LiveMessage;
    } catch {
      return;
    }
    if (message.type === "ready") {
      attempt = 0;
      setStatus("live");
    } else if (message.type === "error") {
      // {"type": "error", "error": "TOKEN_EXPIRED"}: a refreshed token reconnects through the
      // session listener; a refused refresh signs out, which closes the socket for good
      if ((message as { error?: string }).error === "TOKEN_EXPIRED") void refresh();
    } else if (message.type !== "pong" && message.type !== "keepalive") {
      handlers.forEach((handle) => handle(message));
    }
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    token = null;
    setStatus("offline");
    if (handlers.size > 0 && getSession()) {
      attempt += 1;
      timer = setTimeout(connect, Math.min(30_000, 500 * 2 ** attempt));
    }
  };
}

function close() {
  clearTimeout(timer);
  const ws = socket;
  socket = null;
  token = null;
  ws?.close();
  if (status !== "offline") setStatus("offline");
}

if (typeof window !== "undefined") {
  onSession(() => void connect());
}

/** Call `handler` for every live message while the component is mounted. */
export function useLiveMessages(handler: Handler) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const stable: Handler = (message) => ref.current(message);
    handlers.add(stable);
    void connect();
    return () => {
      handlers.delete(stable);
      if (handlers.size === 0) close();
    };
  }, []);
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    () => status,
  );
}
