import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, hasSession, login as apiLogin, logout as apiLogout, onSignedOut, type SessionUser } from './api';

interface AuthState {
  user: SessionUser | null;
  loading: boolean;
  signIn: (username: string, password: string) => Promise<SessionUser>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [loading, setLoading] = useState(hasSession());

  useEffect(() => {
    const off = onSignedOut(() => setUser(null));
    if (hasSession()) {
      api<SessionUser>('me')
        .then(setUser)
        .catch(() => setUser(null))
        .finally(() => setLoading(false));
    }
    return () => {
      off();
    };
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const me = await apiLogin(username, password);
    setUser(me);
    return me;
  }, []);
  const signOut = useCallback(async () => {
    await apiLogout();
    setUser(null);
  }, []);

  return <AuthContext.Provider value={{ user, loading, signIn, signOut }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export function isCoordinator(role: string | undefined): boolean {
  return role === 'city_admin' || role === 'county_admin';
}

/** Who may push resources to schools (the api's PUSHER_ROLES). */
export function canPush(role: string | undefined): boolean {
  return role === 'city_admin' || role === 'county_admin' || role === 'mentor';
}

/** Where each role lands after sign-in. */
export function homeOf(user: SessionUser): string {
  switch (user.role) {
    case 'city_admin':
    case 'county_admin':
      return '/dashboard';
    case 'school_admin':
      return '/school';
    case 'teacher':
      return '/teacher';
    default:
      return '/partnerships';
  }
}
