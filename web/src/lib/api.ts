import type { Middleware } from 'openapi-fetch';
import { createIamClient, type IamComponents } from '../../../client/iam-client';
import { CONTRACT_PREFIX, servedPath, servedPrefix } from './api-prefix';
import { ApiError } from './errors';
import { clearToken, readToken } from './token-store';

export type Schemas = IamComponents['schemas'];
export type User = Schemas['UserResponseDto'];
export type Role = Schemas['RoleResponseDto'];
export type Session = Schemas['SessionResponseDto'];
export type ErrorBody = Schemas['ErrorResponseDto'];

const auth: Middleware = {
  onRequest({ request }) {
    const token = readToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) {
      const body = (await response
        .clone()
        .json()
        .catch(() => null)) as ErrorBody | null;
      // A revoked or expired session is over: forget it, so the app falls back to the sign-in screen.
      if (body && (body.code === 'TOKEN_REVOKED' || body.code === 'TOKEN_EXPIRED')) clearToken();
    }
    return response;
  },
};

const prefix = servedPrefix();

/** The contract's paths, moved to where the server mounted the API. */
const mounted: Middleware = {
  async onRequest({ request }) {
    const url = new URL(request.url);
    const path = servedPath(url.pathname, prefix);
    if (path === url.pathname) return request;
    url.pathname = path;
    // Read, not handed over: a request made from another's body stream is a streaming upload to a browser.
    const body =
      request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
    return new Request(url, {
      method: request.method,
      headers: request.headers,
      body,
      signal: request.signal,
    });
  },
};

/** The typed client of the public API: same origin, bearer token from the token store. */
export const api = createIamClient({ baseUrl: window.location.origin });
if (prefix !== CONTRACT_PREFIX) api.use(mounted);
api.use(auth);

/**
 * Unwraps an openapi-fetch answer: the data, or an ApiError carrying the contract's error body and
 * the Retry-After header.
 */
export async function unwrap<T>(
  promise: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await promise;
  if (!response.ok) throw ApiError.from(response, error);
  return data as T;
}

/**
 * Raw GET for streamed answers (audit export) that the typed client would parse. `onProgress` hears the
 * bytes received so far while the body streams in.
 */
export async function download(path: string, onProgress?: (bytes: number) => void): Promise<Blob> {
  const token = readToken();
  const response = await fetch(servedPath(path, prefix), {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) {
    const body = await response.json().catch(() => undefined);
    if (response.status === 401) clearToken();
    throw ApiError.from(response, body);
  }
  if (!onProgress || !response.body) return response.blob();
  const type = response.headers.get('Content-Type') ?? '';
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onProgress(received);
  }
  return new Blob(chunks as BlobPart[], { type });
}
