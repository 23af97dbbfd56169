import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { SessionProvider } from "./api/session.js";
import { startI18n } from "./i18n/index.js";
import { routes } from "./routes.js";
import "./styles.css";

const router = createBrowserRouter(routes);

void startI18n().then(() => {
  const root = document.getElementById("root");
  if (root !== null) {
    createRoot(root).render(
      <StrictMode>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </StrictMode>,
    );
  }
});
