import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useSyncExternalStore } from 'react';
import { api, type Schemas, unwrap } from './api';
import { clearToken, onTokenChange, readToken, saveToken } from './token-store';

type Me = Schemas['MeResponseDto'];

export interface AuthState {
  token: string | null;
  me: Me | undefined;
  loading: boolean;
  /** full_access passes every check, as on the server. */
  can: (...permissions: string[]) => boolean;
  signIn: (accessToken: string, remember: boolean) => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const token = useSyncExternalStore(onTokenChange, readToken);
  const queryClient = useQueryClient();
  const me = useQuery({
    queryKey: ['me', token],
    queryFn: () => unwrap(api.GET('/auth/api/me')),
    enabled: !!token,
    staleTime: 30_000,
  });

  // A new token or none: nothing cached under the old identity may show.
  useEffect(() => {
    if (!token) queryClient.clear();
  }, [token, queryClient]);

  const value = useMemo<AuthState>(() => {
    const permissions = new Set(me.data?.permissions ?? []);
    return {
      token,
      me: token ? me.data : undefined,
      loading: !!token && me.isPending,
      can: (...needed) => permissions.has('full_access') || needed.some((p) => permissions.has(p)),
      signIn: (accessToken, remember) => saveToken(accessToken, remember),
      signOut: async () => {
        await api.POST('/auth/api/logout').catch(() => undefined);
        clearToken();
      },
    };
  }, [token, me.data, me.isPending]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
