import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { api, setCsrfToken } from "./client.js";

/** The signed-in user as the hub's `/api/session` describes them. */
export interface SessionUser {
  readonly name: string;
  readonly isAdmin: boolean;
}

interface SessionAnswer {
  readonly user: SessionUser;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

interface SessionState {
  /** undefined while the first answer is awaited, null when nobody is signed in. */
  readonly user: SessionUser | null | undefined;
  readonly signIn: (username: string, password: string) => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** Holds who is signed in, asked of the hub once on load and after each sign-in or sign-out. */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const adopt = useCallback((answer: SessionAnswer | null) => {
    setCsrfToken(answer?.csrfToken ?? null);
    setUser(answer?.user ?? null);
  }, []);
  useEffect(() => {
    // 401 means nobody is signed in; any other failure also leaves the visitor
    // browsing anonymously, and each page shows its own error.
    api<SessionAnswer>("/api/session").then(adopt, () => {
      adopt(null);
    });
  }, [adopt]);
  const value = useMemo<SessionState>(
    () => ({
      user,
      signIn: async (username, password) => {
        adopt(
          await api<SessionAnswer>("/api/session", {
            method: "POST",
            body: { username, password },
          }),
        );
      },
      signOut: async () => {
        try {
          await api("/api/session", { method: "DELETE" });
        } finally {
          adopt(null);
        }
      },
    }),
    [user, adopt],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the page; only inside SessionProvider. */
export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (state === null) {
    throw new Error("useSession outside SessionProvider");
  }
  return state;
}
