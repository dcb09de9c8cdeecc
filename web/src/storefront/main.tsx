import "../shared/styles.css";
import "./storefront.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createQueryClient } from "../shared/query";
import { ToastProvider } from "../shared/ui/Toasts";
import { StorefrontApp } from "./routes";

const queryClient = createQueryClient();

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <StorefrontApp />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
