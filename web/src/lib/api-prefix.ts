/** Where the API's paths start in the contract, and so in the typed client's paths. */
export const CONTRACT_PREFIX = '/auth/api';

/**
 * Where the server mounted the API, as it names it in the page (a host application may mount it elsewhere);
 * the contract's own prefix when the page names none.
 */
export function servedPrefix(doc: Pick<Document, 'querySelector'> = document): string {
  const meta = doc.querySelector<HTMLMetaElement>('meta[name="champa-iam-api-prefix"]');
  const named = meta?.content.trim();
  if (!named || !named.startsWith('/')) return CONTRACT_PREFIX;
  return named.replace(/\/+$/, '');
}

/** A path of the contract (`/auth/api/...`), as the server serves it under `prefix`. */
export function servedPath(path: string, prefix: string): string {
  if (prefix === CONTRACT_PREFIX) return path;
  const rest = path.slice(CONTRACT_PREFIX.length);
  if (!path.startsWith(CONTRACT_PREFIX) || (rest !== '' && !/^[/?]/.test(rest))) return path;
  return `${prefix}${rest}` || '/';
}
