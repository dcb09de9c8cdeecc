// One Idempotency-Key per distinct request body. The server replays the stored answer to a key it
// has seen and answers 409 IDEMPOTENCY_KEY_REUSED to a key sent with a different body, so: the
// same body retried (a double click, a retry after a network error, a reload) keeps its key, a
// changed body gets a new one, and once a request has been answered for good the next one is new.
import { useMutation, type MutateOptions, type MutationOptions } from "@tanstack/react-query";
import { useRef } from "react";
import { idempotencyKey } from "./api";
import { ApiError } from "./errors";

/** The key of the current attempt and the body it was for (serialised: stable and storable). */
export interface KeyedAttempt {
  key: string;
  fingerprint: string;
}

/** A stable text for a request body (any JSON-able value; a string is taken as it is). */
export function fingerprintOf(body: unknown): string {
  // a body-less request (undefined) is "": JSON.stringify gives no text for it
  return typeof body === "string" ? body : (JSON.stringify(body) ?? "");
}

/**
 * The plain form: the key to send for `body`, given the previous attempt. `fresh` says the
 * attempt is new, so a caller that keeps attempts across reloads stores it BEFORE sending.
 */
export function keyFor(
  previous: KeyedAttempt | null | undefined,
  body: unknown,
  newKey: () => string = idempotencyKey,
): KeyedAttempt & { fresh: boolean } {
  const fingerprint = fingerprintOf(body);
  if (previous && previous.fingerprint === fingerprint) return { ...previous, fresh: false };
  return { key: newKey(), fingerprint, fresh: true };
}

/**
 * Whether an attempt's key is kept after its outcome: only while the outcome is unknown or the
 * server asked to come back (network, 429, 5xx, another request with the key still running).
 * A success or a definite refusal ends the attempt; sending the same body again is a new request.
 */
export function keepsKey(outcome: unknown): boolean {
  if (outcome === true) return false;
  if (outcome instanceof ApiError) return outcome.retryable || outcome.code === "REQUEST_IN_FLIGHT";
  // a failure that is not the API's own answer (fetch threw): the request may have arrived
  return outcome !== false && outcome !== undefined && outcome !== null;
}

/** Where an attempt is kept across reloads (sessionStorage-like). */
export interface AttemptStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * One key per distinct body for one kind of request, optionally kept in `store` under
 * `storageKey` so a reload retries with the same key.
 */
export class IdempotencyKeys {
  private attempt: KeyedAttempt | null = null;

  constructor(
    private readonly storageKey?: string,
    private readonly store: AttemptStore | undefined = storageKey ? sessionStore() : undefined,
    private readonly newKey: () => string = idempotencyKey,
  ) {
    this.attempt = this.load();
  }

  /** The key to send with `body` (stored before the caller sends it). */
  for(body: unknown): string {
    const next = keyFor(this.attempt, body, this.newKey);
    if (next.fresh) {
      this.attempt = { key: next.key, fingerprint: next.fingerprint };
      this.save();
    }
    return next.key;
  }

  /**
   * After the request: `settle(true)` on success, `settle(error)` with what was thrown (the key is
   * kept only when that error leaves the outcome open, see keepsKey), `settle(false)` to drop it.
   * With `key`, only that key's attempt is settled: a later body's attempt stays open.
   */
  settle(outcome: unknown, key?: string): void {
    if (keepsKey(outcome)) return;
    if (key !== undefined && this.attempt?.key !== key) return;
    this.attempt = null;
    this.save();
  }

  /** The current attempt, if any (for display or tests). */
  get current(): KeyedAttempt | null {
    return this.attempt;
  }

  private load(): KeyedAttempt | null {
    if (!this.storageKey || !this.store) return null;
    try {
      const saved = JSON.parse(this.store.getItem(this.storageKey) ?? "null") as KeyedAttempt | null;
      return saved && typeof saved.key === "string" && typeof saved.fingerprint === "string" ? saved : null;
    } catch {
      return null;
    }
  }

  private save(): void {
    if (!this.storageKey || !this.store) return;
    try {
      if (this.attempt) this.store.setItem(this.storageKey, JSON.stringify(this.attempt));
      else this.store.removeItem(this.storageKey);
    } catch {
      /* storage full or unavailable: the attempt lives in memory only */
    }
  }
}

/**
 * The React form: one IdempotencyKeys for the component's life. Use `keys.for(body)` where the
 * request is sent and `keys.settle(true | error)` when it is answered. Pass `storageKey` to keep
 * the attempt across reloads (sessionStorage).
 */
export function useIdempotencyKey(storageKey?: string): IdempotencyKeys {
  const keys = useRef<IdempotencyKeys | null>(null);
  keys.current ??= new IdempotencyKeys(storageKey);
  return keys.current;
}

/** A keyed mutation's variables: the body, and the key it was given when it was asked for. */
export interface Keyed<B> {
  body: B;
  key: string;
}

export interface KeyedMutationOptions<B, T> {
  /** Makes the call with the body and its Idempotency-Key. */
  send: (body: B, key: string) => Promise<T>;
  /** Mutations of one scope run one after another (the cart's changes). */
  scope?: { id: string };
  /** As useMutation's: a promise returned is waited for before the mutation settles. */
  onSuccess?: (data: T) => unknown;
  onError?: (error: Error) => unknown;
}

/**
 * The plain form of useKeyedMutation: the mutation's options, and `keyed(body)`, the variables
 * to mutate with. The key is taken when the shopper acts, not when the request leaves: a second
 * click queued behind the first (same scope) or sent while it runs carries the first's key, so the
 * server answers it with the first answer instead of doing the work twice.
 */
export function keyedMutation<B, T>(keys: IdempotencyKeys, options: KeyedMutationOptions<B, T>) {
  const { send, scope, onSuccess, onError } = options;
  const mutation: MutationOptions<T, Error, Keyed<B>> = {
    scope,
    mutationFn: ({ body, key }) => send(body, key),
    onError: (error, variables) => {
      keys.settle(error, variables.key);
      return onError?.(error);
    },
    onSuccess: (data, variables) => {
      keys.settle(true, variables.key);
      return onSuccess?.(data);
    },
  };
  return { mutation, keyed: (body: B): Keyed<B> => ({ body, key: keys.for(body) }) };
}

/**
 * A mutation whose every request carries its body's Idempotency-Key: a retry of the same body
 * (a double click, a click again after a lost answer) reuses the key, an answer (or a definite
 * refusal) frees it. `mutate(body)` / `mutateAsync(body)` as with any mutation.
 */
export function useKeyedMutation<B, T>(options: KeyedMutationOptions<B, T>) {
  const keys = useIdempotencyKey();
  const { mutation, keyed } = keyedMutation(keys, options);
  const result = useMutation(mutation);
  return {
    ...result,
    mutate: (body: B, callbacks?: MutateOptions<T, Error, Keyed<B>>) => result.mutate(keyed(body), callbacks),
    mutateAsync: (body: B, callbacks?: MutateOptions<T, Error, Keyed<B>>) =>
      result.mutateAsync(keyed(body), callbacks),
  };
}

/** useKeyedMutation in two arguments: `send(body, key)` makes the call. */
export function useIdempotentMutation<B, T>(
  send: (body: B, key: string) => Promise<T>,
  onSuccess?: (data: T) => void,
) {
  return useKeyedMutation({ send, onSuccess });
}

function sessionStore(): AttemptStore | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}
