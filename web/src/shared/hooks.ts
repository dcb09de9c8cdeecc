import { useSyncExternalStore } from "react";
import { getSession, subscribe, type Session } from "./session";

/** The current session (null for a guest); re-renders on sign-in, refresh and sign-out. */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, getSession, () => null);
}
