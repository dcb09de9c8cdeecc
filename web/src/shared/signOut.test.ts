import { QueryClient } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, String(value)),
    removeItem: (key: string) => void items.delete(key),
  };
}

const user = { id: "u-1", email: "admin@example.com", firstName: "Ada", role: "admin" };

/** Signed in, with the typed client's POST replaced by `post` (node's fetch takes no relative
 * URLs, and this is about what is sent, not how). */
async function signedIn(post: (path: string, init: { body: unknown }) => Promise<unknown>) {
  const stored = { accessToken: "a-1", refreshToken: "r-1", expiresAt: Date.now() + 600_000, user };
  vi.stubGlobal("localStorage", memoryStorage({ "bazaar.session": JSON.stringify(stored) }));
  vi.resetModules();
  vi.doMock("./api", () => ({
    api: { POST: post },
    unwrap: async (call: Promise<unknown>) => call,
  }));
  const signOut = await import("./signOut");
  const session = await import("./session");
  const queryClient = new QueryClient();
  queryClient.setQueryData(["admin", "users"], [{ email: "someone@example.com" }]);
  queryClient.setQueryData(["account", "orders"], [{ id: "o-1" }]);
  return { signOut, session, queryClient };
}

afterEach(() => {
  vi.doUnmock("./api");
  vi.unstubAllGlobals();
});

describe("revokeSession", () => {
  it("revokes the refresh token on the server, then forgets the session and the cache", async () => {
    const post = vi.fn(async () => ({}));
    const { signOut, session, queryClient } = await signedIn(post);

    await signOut.revokeSession(queryClient);

    expect(post).toHaveBeenCalledWith("/api/auth/logout", { body: { refreshToken: "r-1" } });
    expect(session.getSession()).toBeNull();
    expect(queryClient.getQueryCache().getAll()).toEqual([]);
  });

  it("ends the session here even when the server cannot be told", async () => {
    const post = vi.fn(async () => {
      throw new Error("offline");
    });
    const { signOut, session, queryClient } = await signedIn(post);

    await expect(signOut.revokeSession(queryClient)).rejects.toThrow("offline");
    expect(session.getSession()).toBeNull();
    expect(queryClient.getQueryData(["admin", "users"])).toBeUndefined();
  });
});
