import { isAbsolute, join, resolve } from 'node:path';
import { packageRoot } from '../common/package-root.js';

/** Where the admin console is served and which built folder it comes from. */
export interface AdminConsoleOptions {
  /** URL path (default `/admin`). */
  path?: string;
  /** The built console (default: `dist/web` of this package, wherever the process runs from). */
  root?: string;
  /** Answer GET / with a redirect to the console (default true; a host with a page of its own at / says false). */
  redirectRoot?: boolean;
}

export interface AdminConsole {
  /** Without slashes at either end, e.g. `admin`. */
  path: string;
  /** Absolute. */
  root: string;
  redirectRoot: boolean;
}

export const ADMIN_CONSOLE = Symbol('ADMIN_CONSOLE');

export function defaultConsoleRoot(): string {
  return join(packageRoot(), 'dist', 'web');
}

export function normalizeConsolePath(path: string | undefined): string {
  const trimmed = (path ?? 'admin').trim().replace(/^\/+|\/+$/g, '');
  const plain = /^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(trimmed);
  if (!plain || trimmed.split('/').some((s) => s === '.' || s === '..')) {
    throw new Error(`IamModule: adminConsole.path '${path}' is not a plain, non-empty path`);
  }
  return trimmed;
}

/** `false` or undefined leaves the console off; `{}` serves the built one at /admin. */
export function resolveAdminConsole(input: AdminConsoleOptions | false | undefined): AdminConsole | false {
  if (!input) return false;
  const root = input.root ?? defaultConsoleRoot();
  return {
    path: normalizeConsolePath(input.path),
    root: isAbsolute(root) ? root : resolve(root),
    redirectRoot: input.redirectRoot ?? true,
  };
}
