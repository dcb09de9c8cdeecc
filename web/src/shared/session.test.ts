import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuthResult } from "./session";

// node has no localStorage: a tiny in-memory one, fresh for every test, installed before the
// module reads it at import.
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, String(value)),
    removeItem: (key: string) => void items.delete(key),
    clear: () => items.clear(),
    key: (index: number) => [...items.keys()][index] ?? null,
    get length() {
      return items.size;
    },
  };
}

const user = { id: "u-1", email: "sam@example.com", firstName: "Sam", role: "customer" };

function authResult(suffix: string, expiresIn = 900): AuthResult {
  return { accessToken: `access-${suffix}`, refreshToken: `refresh-${suffix}`, expiresIn, user };
}

async function freshSession(stored?: object) {
  const storage = memoryStorage(stored ? { "bazaar.session": JSON.stringify(stored) } : {});
  vi.stubGlobal("localStorage", storage);
  vi.resetModules();
  return { storage, session: await import("./session") };
}

beforeEach(() => {
  vi.useRealTimers();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("sessionFrom", () => {
  it("turns expiresIn seconds into an expiry instant", async () => {
    const { session } = await freshSession();
    const made = session.sessionFrom(authResult("a", 900), 1_000_000);
    expect(made).toEqual({
      accessToken: "access-a",
      refreshToken: "refresh-a",
      expiresAt: 1_000_000 + 900_000,
      user,
    });
  });

  it("treats a missing lifetime as already expired", async () => {
    const { session } = await freshSession();
    const made = session.sessionFrom({ accessToken: "x", refreshToken: "y", user }, 5_000);
    expect(made.expiresAt).toBe(5_000);
    expect(session.needsRefresh(made, 5_000)).toBe(true);
  });
});

describe("needsRefresh", () => {
  it("refreshes within a minute of expiry, not before", async () => {
    const { session } = await freshSession();
    const made = session.sessionFrom(authResult("a", 900), 0);
    expect(session.needsRefresh(made, 0)).toBe(false);
    expect(session.needsRefresh(made, 900_000 - 60_001)).toBe(false);
    expect(session.needsRefresh(made, 900_000 - 59_999)).toBe(true);
    expect(session.needsRefresh(made, 900_000 + 1)).toBe(true);
  });
});

describe("signIn and signOut", () => {
  it("keep the session in localStorage and tell subscribers", async () => {
    const { storage, session } = await freshSession();
    const notified = vi.fn();
    session.subscribe(notified);

    session.signIn(authResult("a"));
    expect(session.getSession()?.accessToken).toBe("access-a");
    expect(JSON.parse(storage.getItem("bazaar.session") ?? "{}").refreshToken).toBe("refresh-a");

    session.signOut();
    expect(session.getSession()).toBeNull();
    expect(storage.getItem("bazaar.session")).toBeNull();
    expect(notified).toHaveBeenCalledTimes(2);
  });

  it("a reload finds the stored session", async () => {
    const stored = { accessToken: "kept", refreshToken: "r", expiresAt: Date.now() + 600_000, user };
    const { session } = await freshSession(stored);
    expect(session.getSession()?.accessToken).toBe("kept");
  });

  it("unreadable stored data is no session rather than a crash", async () => {
    vi.stubGlobal("localStorage", memoryStorage({ "bazaar.session": "{not json" }));
    vi.resetModules();
    const session = await import("./session");
    expect(session.getSession()).toBeNull();
  });
});

describe("accessToken and refresh", () => {
  it("answers the current token without a request while it is fresh", async () => {
    const stored = { accessToken: "fresh", refreshToken: "r", expiresAt: Date.now() + 600_000, user };
    const { session } = await freshSession(stored);
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    expect(await session.accessToken()).toBe("fresh");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("rotates a token about to expire once, however many callers ask at the same time", async () => {
    const stored = { accessToken: "old", refreshToken: "r-old", expiresAt: Date.now() + 10_000, user };
    const { session } = await freshSession(stored);
    const fetch = vi.fn(
      async () => new Response(JSON.stringify(authResult("new")), { status: 200 }),
    );
    vi.stubGlobal("fetch", fetch);

    const tokens = await Promise.all([session.accessToken(), session.accessToken()]);

    expect(tokens).toEqual(["access-new", "access-new"]);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(JSON.parse(String(init.body))).toEqual({ refreshToken: "r-old" });
    expect(session.getSession()?.refreshToken).toBe("refresh-new");
  });

  it("a refused refresh token signs out", async () => {
    const stored = { accessToken: "old", refreshToken: "spent", expiresAt: 0, user };
    const { storage, session } = await freshSession(stored);
    vi.stubGlobal("fetch", async () => new Response("{}", { status: 401 }));

    expect(await session.refresh()).toBeNull();
    expect(session.getSession()).toBeNull();
    expect(storage.getItem("bazaar.session")).toBeNull();
  });

  it("keeps the token another tab already rotated instead of signing out", async () => {
    const stored = { accessToken: "old", refreshToken: "spent", expiresAt: 0, user };
    const { storage, session } = await freshSession(stored);
    const rotated = { accessToken: "tab2", refreshToken: "r-tab2", expiresAt: Date.now() + 600_000, user };
    vi.stubGlobal("fetch", async () => {
      storage.setItem("bazaar.session", JSON.stringify(rotated));
      return new Response("{}", { status: 401 });
    });

    expect((await session.refresh())?.accessToken).toBe("tab2");
  });

  it("a server failure keeps the session for the next try", async () => {
    const stored = { accessToken: "old", refreshToken: "r", expiresAt: 0, user };
    const { session } = await freshSession(stored);
    vi.stubGlobal("fetch", async () => new Response("{}", { status: 503 }));

    expect((await session.refresh())?.accessToken).toBe("old");
  });
});

// navigator.locks across "tabs": one queue per lock name, like the browser's LockManager
function memoryLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, task: () => Promise<T>): Promise<T> {
      const run = (tails.get(name) ?? Promise.resolve()).then(() => task());
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

/** Two tabs: two instances of the module over one localStorage and one lock manager. */
async function twoTabs(stored: object) {
  const storage = memoryStorage({ "bazaar.session": JSON.stringify(stored) });
  vi.stubGlobal("localStorage", storage);
  vi.stubGlobal("navigator", { locks: memoryLocks() });
  vi.resetModules();
  const first = await import("./session");
  vi.resetModules();
  const second = await import("./session");
  return { storage, first, second };
}

describe("refresh across tabs", () => {
  it("two tabs near expiry send the refresh token once, and both keep the login", async () => {
    const stored = { accessToken: "old", refreshToken: "r-old", expiresAt: Date.now() - 1_000, user };
    const { first, second } = await twoTabs(stored);
    const spent = new Set<string>();
    // the server: a refresh token works once; its reuse revokes the whole login
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      const { refreshToken } = JSON.parse(String(init.body)) as { refreshToken: string };
      if (spent.has(refreshToken)) return new Response("{}", { status: 401 });
      spent.add(refreshToken);
      return new Response(JSON.stringify(authResult("new")), { status: 200 });
    });
    vi.stubGlobal("fetch", fetch);

    const tokens = await Promise.all([first.accessToken(), second.accessToken()]);

    expect(tokens).toEqual(["access-new", "access-new"]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(second.getSession()?.refreshToken).toBe("refresh-new");
  });

  it("a tab that waited while another signed out stays signed out, without a request", async () => {
    const stored = { accessToken: "old", refreshToken: "r-old", expiresAt: 0, user };
    const { storage, first } = await twoTabs(stored);
    storage.removeItem("bazaar.session");
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);

    expect(await first.refresh()).toBeNull();
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("signOut and the API reference", () => {
  it("forgets the token Swagger UI persisted", async () => {
    const stored = { accessToken: "kept", refreshToken: "r", expiresAt: Date.now() + 600_000, user };
    const { storage, session } = await freshSession(stored);
    storage.setItem("authorized", JSON.stringify({ bearer: { value: "kept" } }));

    session.signOut();

    expect(storage.getItem("authorized")).toBeNull();
  });
});
