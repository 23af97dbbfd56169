import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { api, ApiError, setCsrfToken } from "./client.js";

const SIGNED_IN_KEY = "gatehouse.signedIn";

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
  /** Whether this browser was signed in and its session has ended since (expired, or ended elsewhere). */
  readonly ended: boolean;
  readonly signIn: (username: string, password: string) => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** Holds who is signed in, asked of the hub once on load and after each sign-in or sign-out. */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);
  const adopt = useCallback((answer: SessionAnswer | null) => {
    setCsrfToken(answer?.csrfToken ?? null);
    setUser(answer?.user ?? null);
    setEnded(false);
    // Only whether this browser was signed in: the cookie itself is out of the page's reach.
    if (answer === null) {
      localStorage.removeItem(SIGNED_IN_KEY);
    } else {
      localStorage.setItem(SIGNED_IN_KEY, "1");
    }
  }, []);
  useEffect(() => {
    // 401 means nobody is signed in; any other failure also leaves the visitor
    // browsing anonymously, and each page shows its own error. A browser that
    // was signed in and is no longer had its session end: its user is sent to
    // sign in again, and back.
    api<SessionAnswer>("/api/session").then(adopt, (error: unknown) => {
      const wasSignedIn = localStorage.getItem(SIGNED_IN_KEY) !== null;
      adopt(null);
      setEnded(wasSignedIn && error instanceof ApiError && error.status === 401);
    });
  }, [adopt]);
  const value = useMemo<SessionState>(
    () => ({
      user,
      ended,
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
    [user, ended, adopt],
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
