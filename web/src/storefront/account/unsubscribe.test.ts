import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../shared/errors";
import { unsubscribeView } from "./unsubscribe";

const idle = { isPending: false, isSuccess: false, error: null };

describe("the unsubscribe page", () => {
  it("asks for a click first: opening the link changes nothing", () => {
    expect(unsubscribeView("abc.def.ghi", idle)).toBe("ready");
    expect(unsubscribeView("abc.def.ghi", { ...idle, isPending: true })).toBe("sending");
    expect(unsubscribeView("abc.def.ghi", { ...idle, isSuccess: true })).toBe("done");
  });

  it("says a link without a token, or one the server refuses, is not valid (no button)", () => {
    expect(unsubscribeView("", idle)).toBe("invalid");
    expect(unsubscribeView("  ", idle)).toBe("invalid");
    const refused = new ApiError(400, { error: "INVALID_UNSUBSCRIBE_TOKEN", message: "not valid" });
    expect(unsubscribeView("abc.def.ghi", { ...idle, error: refused })).toBe("invalid");
  });

  it("keeps the button for a retry when the server could not answer", () => {
    expect(unsubscribeView("abc.def.ghi", { ...idle, error: new ApiError(0, {}) })).toBe("failed");
    expect(unsubscribeView("abc.def.ghi", { ...idle, error: new ApiError(429, {}) })).toBe("failed");
  });
});

describe("sendUnsubscribe", () => {
  afterEach(() => {
    vi.doUnmock("../../shared/api");
    vi.resetModules();
  });

  it("POSTs the link's token as it is, with no session", async () => {
    const post = vi.fn(async () => ({ topic: "cart_reminders", unsubscribed: true }));
    vi.resetModules();
    vi.doMock("../../shared/api", () => ({ api: { POST: post }, unwrap: async (call: Promise<unknown>) => call }));
    const { sendUnsubscribe } = await import("./unsubscribe");

    await expect(sendUnsubscribe("dXNlcg.Y2FydA.bWFj")).resolves.toEqual({ topic: "cart_reminders", unsubscribed: true });
    expect(post).toHaveBeenCalledWith("/api/unsubscribe", { body: { token: "dXNlcg.Y2FydA.bWFj" } });
  });
});
