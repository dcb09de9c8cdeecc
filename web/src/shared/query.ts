import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./errors";

/** Server state for both apps: retry only what a retry can fix (network, 429, 5xx). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.retryable),
      },
      mutations: { retry: false },
    },
  });
}
