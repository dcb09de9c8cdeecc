// Live updates over the gateway's WebSocket (/ws): one socket per signed-in tab, authenticated
// with the access token, reconnected with backoff and after a token refresh (the gateway reads
// one auth frame per socket, and ends a socket when its token expires).
// Frames: {"type": "order_status_changed", "data": {...}, "notification": {...} | null}.
// Pushes sent while no socket was open are lost: after every reconnection handlers get
// {"type": "reconnected"}, on which a page reads again what it shows live.
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
/** a socket of this tab has been live since the last sign-out or last handler left */
let wasLive = false;

function setStatus(next: LiveStatus) {
  status = next;
  statusListeners.forEach((notify) => notify());
}

function url(): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws`;
}

/** Try again later, waiting longer after each failure (at most 30 s). */
function retryLater() {
  attempt += 1;
  timer = setTimeout(connect, Math.min(30_000, 500 * 2 ** attempt));
}

async function connect() {
  clearTimeout(timer);
  let wanted: string | null;
  try {
    wanted = await accessToken();
  } catch {
    // the refresh could not reach the server: the socket waits for it like any failure
    if (handlers.size > 0) retryLater();
    return;
  }
  if (!wanted || handlers.size === 0) return close();
  if (socket && token === wanted) return;
  close(false);
  token = wanted;
  setStatus("connecting");
  const ws = new WebSocket(url());
  socket = ws;
  ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token: wanted }));
  ws.onmessage = (event) => {
    if (socket !== ws) return;
    let message: LiveMessage;
    try {
      message = JSON.parse(String(event.data)) as LiveMessage;
    } catch {
      return;
    }
    if (message.type === "ready") {
      attempt = 0;
      setStatus("live");
      if (wasLive) deliver({ type: "reconnected" });
      wasLive = true;
    } else if (message.type === "error") {
      // {"type": "error", "error": "TOKEN_EXPIRED"}: a refreshed token reconnects through the
      // session listener; a refused refresh signs out, which closes the socket for good
      if ((message as { error?: string }).error === "TOKEN_EXPIRED") void refresh();
    } else if (message.type !== "pong" && message.type !== "keepalive") {
      deliver(message);
    }
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    token = null;
    setStatus("offline");
    if (handlers.size > 0 && getSession()) retryLater();
  };
}

function deliver(message: LiveMessage) {
  handlers.forEach((handle) => handle(message));
}

/** Close the socket; `forget` when nobody listens any more or the session ended, so the next
 * socket is a first connection rather than a reconnection. */
function close(forget = true) {
  clearTimeout(timer);
  if (forget) wasLive = false;
  const ws = socket;
  socket = null;
  token = null;
  ws?.close();
  if (status !== "offline") setStatus("offline");
}

onSession(() => void connect());

/** Call `handler` for every live message until the returned function is called. */
export function addLiveHandler(handler: Handler): () => void {
  handlers.add(handler);
  void connect();
  return () => {
    handlers.delete(handler);
    if (handlers.size === 0) close();
  };
}

/** Call `handler` for every live message while the component is mounted. */
export function useLiveMessages(handler: Handler) {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => addLiveHandler((message) => ref.current(message)), []);
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
