import { afterEach, describe, expect, it, vi } from "vitest";

// node has no localStorage: a tiny in-memory one, installed before the modules read it at import
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, String(value)),
    removeItem: (key: string) => void items.delete(key),
  };
}

const user = { id: "u-1", email: "sam@example.com", firstName: "Sam", role: "seller" };

async function signedIn() {
  const stored = { accessToken: "a-1", refreshToken: "r-1", expiresAt: Date.now() + 600_000, user };
  vi.stubGlobal("localStorage", memoryStorage({ "bazaar.session": JSON.stringify(stored) }));
  vi.resetModules();
  const api = await import("./api");
  const session = await import("./session");
  return { api, session };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("withAuth", () => {
  it("sends once with the current token when it is accepted", async () => {
    const { api } = await signedIn();
    const send = vi.fn(async (_token: string | null) => ({ status: 202 }));
    expect((await api.withAuth(send)).status).toBe(202);
    expect(send.mock.calls).toEqual([["a-1"]]);
  });

  it("after a 401 retries once with a refreshed token", async () => {
    const { api, session } = await signedIn();
    vi.stubGlobal(
      "fetch",
      async () =>
        new Response(
          JSON.stringify({ accessToken: "a-2", refreshToken: "r-2", expiresIn: 900, user }),
          { status: 200 },
        ),
    );
    const send = vi.fn(async (token: string | null) => ({ status: token === "a-2" ? 202 : 401 }));

    expect((await api.withAuth(send)).status).toBe(202);
    expect(send.mock.calls).toEqual([["a-1"], ["a-2"]]);
    expect(session.getSession()?.refreshToken).toBe("r-2");
  });

  it("a second 401 is the answer, not another retry", async () => {
    const { api } = await signedIn();
    vi.stubGlobal(
      "fetch",
      async () =>
        new Response(
          JSON.stringify({ accessToken: "a-2", refreshToken: "r-2", expiresIn: 900, user }),
          { status: 200 },
        ),
    );
    const send = vi.fn(async () => ({ status: 401 }));

    expect((await api.withAuth(send)).status).toBe(401);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it("a refused refresh signs out and tells the app, without retrying", async () => {
    const { api, session } = await signedIn();
    vi.stubGlobal("fetch", async () => new Response("{}", { status: 401 }));
    const signedOut = vi.fn();
    api.setSignedOutHandler(signedOut);
    const send = vi.fn(async () => ({ status: 401 }));

    expect((await api.withAuth(send)).status).toBe(401);
    expect(send).toHaveBeenCalledTimes(1);
    expect(session.getSession()).toBeNull();
    expect(signedOut).toHaveBeenCalledTimes(1);
  });

  it("a guest's 401 is not retried", async () => {
    vi.stubGlobal("localStorage", memoryStorage());
    vi.resetModules();
    const api = await import("./api");
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    const send = vi.fn(async () => ({ status: 401 }));

    expect((await api.withAuth(send)).status).toBe(401);
    expect(send.mock.calls).toEqual([[null]]);
    expect(fetch).not.toHaveBeenCalled();
  });
});
