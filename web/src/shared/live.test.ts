import { afterEach, describe, expect, it, vi } from "vitest";
import type { LiveMessage } from "./live";

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, String(value)),
    removeItem: (key: string) => void items.delete(key),
  };
}

/** A WebSocket the test drives: the server's side is `serverSends` and `serverCloses`. */
class FakeSocket {
  static all: FakeSocket[] = [];
  sent: unknown[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  send(frame: string) {
    this.sent.push(JSON.parse(frame));
  }
  close() {
    this.closed = true;
    queueMicrotask(() => this.onclose?.());
  }
  serverSends(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  serverCloses() {
    this.closed = true;
    this.onclose?.();
  }
}

const user = { id: "u-1", email: "sam@example.com", firstName: "Sam", role: "customer" };

async function signedInTab() {
  FakeSocket.all = [];
  const stored = { accessToken: "a-1", refreshToken: "r-1", expiresAt: Date.now() + 600_000, user };
  vi.stubGlobal("localStorage", memoryStorage({ "bazaar.session": JSON.stringify(stored) }));
  vi.stubGlobal("location", { protocol: "http:", host: "shop.test" });
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.resetModules();
  const live = await import("./live");
  const session = await import("./session");
  const received: LiveMessage[] = [];
  const stop = live.addLiveHandler((message) => received.push(message));
  return { live, session, received, stop };
}

/** The socket `index` opens and the server accepts its token. */
async function accepted(index: number) {
  await vi.waitFor(() => expect(FakeSocket.all.length).toBeGreaterThan(index));
  const ws = FakeSocket.all[index];
  ws.onopen?.();
  ws.serverSends({ type: "ready", userId: "u-1", channels: ["user"] });
  return ws;
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("live updates across reconnections", () => {
  it("the first connection is not a reconnection", async () => {
    const { received, stop } = await signedInTab();
    const ws = await accepted(0);
    ws.serverSends({ type: "order_status_changed", data: { orderId: "o-1" } });

    expect(ws.url).toBe("ws://shop.test/ws");
    expect(ws.sent).toEqual([{ type: "auth", token: "a-1" }]);
    expect(received.map((m) => m.type)).toEqual(["order_status_changed"]);
    stop();
  });

  it("after the socket drops and comes back, handlers hear 'reconnected' to catch up", async () => {
    vi.useFakeTimers();
    const { received, stop } = await signedInTab();
    const first = await accepted(0);
    first.serverCloses();
    await vi.advanceTimersByTimeAsync(1_000);
    await accepted(1);

    expect(received.map((m) => m.type)).toEqual(["reconnected"]);
    stop();
  });

  it("a token refresh opens a new socket, and that counts as a reconnection", async () => {
    const { session, received, stop } = await signedInTab();
    const first = await accepted(0);
    session.signIn({ accessToken: "a-2", refreshToken: "r-2", expiresIn: 900, user });
    const second = await accepted(1);

    expect(first.closed).toBe(true);
    expect(second.sent).toEqual([{ type: "auth", token: "a-2" }]);
    expect(received.map((m) => m.type)).toEqual(["reconnected"]);
    stop();
  });

  it("a handler that arrives after the last one left starts afresh", async () => {
    const { live, stop } = await signedInTab();
    await accepted(0);
    stop();
    const later: LiveMessage[] = [];
    const stopLater = live.addLiveHandler((message) => later.push(message));
    await accepted(1);

    expect(later).toEqual([]);
    stopLater();
  });
});
