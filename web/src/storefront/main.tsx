import "../shared/styles.css";
import "./storefront.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createQueryClient } from "../shared/query";
import { ToastProvider } from "../shared/ui/Toasts";
import { preloadPages } from "../shared/ui/lazyPage";
import { StorefrontApp, routes } from "./routes";

const queryClient = createQueryClient();

// the first render waits for the current page's code, so the first paint is the page itself
void preloadPages(routes).then(() => {
  createRoot(document.getElementById("root") as HTMLElement).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <StorefrontApp />
        </ToastProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
});
