// The session token lives in sessionStorage, or in localStorage when the user asked to be remembered.
// It is only ever sent as a bearer header: never in a URL, never in a cookie.
const KEY = 'champa-iam.token';

type Listener = () => void;
const listeners = new Set<Listener>();

export function readToken(): string | null {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
}

export function saveToken(token: string, remember: boolean): void {
  clearToken(false);
  (remember ? localStorage : sessionStorage).setItem(KEY, token);
  listeners.forEach((l) => l());
}

export function clearToken(notify = true): void {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
  if (notify) listeners.forEach((l) => l());
}

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
