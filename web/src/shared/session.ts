// The signed-in session: tokens and user, kept in localStorage so a reload stays signed in, shared
// across tabs (storage events), refreshed before the access token expires. One refresh at a time:
// refresh tokens are single-use, and a reused one makes the server revoke the whole login.
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
const REFRESH_MARGIN_MS = 60_000;

let current: Session | null = read();
const listeners = new Set<() => void>();
let refreshing: Promise<Session | null> | null = null;

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
  } catch {
    /* private mode: the session lives for this tab only */
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
  refreshing ??= (async () => {
    try {
      const response = await fetch("/api/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
      if (response.ok) {
        write(sessionFrom((await response.json()) as AuthResult));
      } else if (response.status === 401 || response.status === 400) {
        // another tab may have rotated it first: keep what it stored, else sign out
        const stored = read();
        write(stored && stored.refreshToken !== session.refreshToken ? stored : null);
      }
      return current;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** A valid access token, refreshed first when it is about to expire; null when signed out. */
export async function accessToken(): Promise<string | null> {
  let session = current;
  if (session && needsRefresh(session)) session = await refresh();
  return session?.accessToken ?? null;
}
