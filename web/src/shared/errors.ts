// Every API failure as one type: the server's error shape, or a network failure (status 0).
export interface ErrorBody {
  error?: string;
  message?: string;
  details?: Record<string, unknown>;
  requestId?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly requestId?: string;

  constructor(status: number, body: ErrorBody) {
    // a 429's own message is for developers ("retry in 843s"): a person reads when to come back
    super((status === 429 && waitMessage(body.details)) || body.message || defaultMessage(status));
    this.name = "ApiError";
    this.status = status;
    this.code = body.error || (status === 0 ? "NETWORK_ERROR" : "ERROR");
    this.details = body.details ?? {};
    this.requestId = body.requestId;
  }

  /** Field messages from a 400's `details.fields`, keyed by the JSON (camelCase) field name. */
  get fields(): Record<string, string> {
    return flattenFields(this.details.fields);
  }

  /** Worth offering "try again": the network, an overloaded or unavailable server. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export function flattenFields(fields: unknown, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fields || typeof fields !== "object") return out;
  for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      out[name] = value.join(" ");
    } else if (typeof value === "string") {
      out[name] = value;
    } else {
      Object.assign(out, flattenFields(value, name));
    }
  }
  return out;
}

/** "Too many attempts: try again in 15 minutes." from a 429's `details.retryAfter` (seconds). */
function waitMessage(details: Record<string, unknown> | undefined): string | null {
  const seconds = Number(details?.retryAfter);
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  const wait =
    seconds < 60
      ? `${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? "" : "s"}`
      : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? "" : "s"}`;
  const what = details?.scope === "account" ? "attempts for this account" : "requests";
  return `Too many ${what}: try again in ${wait}.`;
}

function defaultMessage(status: number): string {
  if (status === 0) return "We could not reach the shop. Check your connection and try again.";
  if (status === 401) return "Please sign in to continue.";
  if (status === 403) return "Your account may not do this.";
  if (status === 404) return "We could not find that.";
  if (status === 429) return "Too many requests: wait a moment and try again.";
  if (status >= 500) return "The shop is having trouble right now. Please try again.";
  return "Something went wrong.";
}

/** What to show a person for any thrown value: never a stack trace or raw JSON. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong. Please try again.";
}
