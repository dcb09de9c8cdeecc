import "../shared/styles.css";
import "./admin.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createQueryClient } from "../shared/query";
import { ToastProvider } from "../shared/ui/Toasts";
import { preloadPages } from "../shared/ui/lazyPage";
import { AdminApp, routes } from "./routes";
import { ConfirmProvider } from "./ui/Confirm";

const queryClient = createQueryClient();

// the first render waits for the current page's code, so the first paint is the page itself
void preloadPages(routes, "/admin").then(() => {
  createRoot(document.getElementById("root") as HTMLElement).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <ConfirmProvider>
            <AdminApp />
          </ConfirmProvider>
        </ToastProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
});
