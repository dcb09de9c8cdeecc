// The signed-in session: tokens and user, kept in localStorage so a reload stays signed in, shared
// across tabs (storage events), refreshed before the access token expires. One refresh at a time,
// across every tab of this origin (a Web Lock): refresh tokens are single-use, and a reused one
// makes the server revoke the whole login.
import type { components } from "../api/schema";

export type User = components["schemas"]["User"];
export type AuthResult = components["schemas"]["AuthResult"];

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** epoch milliseconds at which the access token expires */
  expiresAt: number;
  user: User;
}

const KEY = "bazaar.session";
/** Swagger UI's copy of the token it was authorized with (/api/docs, persistAuthorization). */
const API_DOCS_KEY = "authorized";
const REFRESH_LOCK = "bazaar.refresh";
const REFRESH_MARGIN_MS = 60_000;

let current: Session | null = read();
const listeners = new Set<() => void>();
let refreshing: Promise<Session | null> | null = null;
/** false once storage refused a write: then this tab's copy is the only one */
let persisted = true;

function read(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function write(session: Session | null) {
  current = session;
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
    persisted = true;
  } catch {
    /* private mode: the session lives for this tab only */
    persisted = false;
  }
  listeners.forEach((notify) => notify());
}

if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key === KEY) {
      current = read();
      listeners.forEach((notify) => notify());
    }
  });
}

export function getSession(): Session | null {
  return current;
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function sessionFrom(result: AuthResult, now = Date.now()): Session {
  return {
    accessToken: result.accessToken ?? "",
    refreshToken: result.refreshToken ?? "",
    expiresAt: now + (result.expiresIn ?? 0) * 1000,
    user: result.user as User,
  };
}

export function signIn(result: AuthResult) {
  write(sessionFrom(result));
}

export function signOut() {
  write(null);
  try {
    // the API reference keeps its own copy of the access token: it must not outlive the session
    localStorage.removeItem(API_DOCS_KEY);
  } catch {
    /* no storage: nothing was kept */
  }
}

export function updateUser(user: User) {
  if (current) write({ ...current, user });
}

export function needsRefresh(session: Session, now = Date.now()): boolean {
  return session.expiresAt - now < REFRESH_MARGIN_MS;
}

/** Rotate the refresh token. A refused token (spent, revoked, expired) signs out. */
export function refresh(): Promise<Session | null> {
  const session = current;
  if (!session) return Promise.resolve(null);
  refreshing ??= exclusive(() => rotate(session)).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Run `task` while no other tab of this origin runs one (Web Locks); alone in this tab where
 * the browser has no Web Locks. */
function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? (locks.request(REFRESH_LOCK, task) as Promise<T>) : task();
}

async function rotate(seen: Session): Promise<Session | null> {
  // another tab may have rotated the token while this one waited for the lock: sending the spent
  // one would be reuse, so take what it stored (or its sign-out) instead
  const stored = persisted ? read() : current;
  if (!stored || stored.refreshToken !== seen.refreshToken) {
    if (!stored) signOut();
    else write(stored);
    return current;
  }
  const response = await fetch("/api/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refreshToken: stored.refreshToken }),
  });
  if (response.ok) {
    write(sessionFrom((await response.json()) as AuthResult));
  } else if (response.status === 401 || response.status === 400) {
    // a browser without Web Locks may still race another tab: keep what it stored, else sign out
    const after = persisted ? read() : null;
    if (after && after.refreshToken !== stored.refreshToken) write(after);
    else signOut();
  }
  return current;
}

/** A valid access token, refreshed first when it is about to expire; null when signed out. */
export async function accessToken(): Promise<string | null> {
  let session = current;
  if (session && needsRefresh(session)) session = await refresh();
  return session?.accessToken ?? null;
}
