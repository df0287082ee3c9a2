import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineIamOptions } from './define-iam-options.js';
import { defaultConsoleRoot, normalizeConsolePath, resolveAdminConsole } from './admin-console.options.js';

describe('the admin console options', () => {
  it('is off in a host unless asked for', () => {
    expect(defineIamOptions({ jwt: { secret: 'x'.repeat(32) } }).adminConsole).toBe(false);
    expect(resolveAdminConsole(false)).toBe(false);
    expect(resolveAdminConsole(undefined)).toBe(false);
  });

  it("serves the package's own dist/web at /admin by default, whatever the working directory", () => {
    const console = resolveAdminConsole({});
    expect(console).toEqual({ path: 'admin', root: defaultConsoleRoot(), redirectRoot: true });
    const root = defaultConsoleRoot();
    expect(root.endsWith(join('dist', 'web'))).toBe(true);
    expect(existsSync(join(dirname(dirname(root)), 'package.json'))).toBe(true);
  });

  it('takes a path with or without slashes, and a relative root from the working directory', () => {
    expect(resolveAdminConsole({ path: '/ops/console/', root: 'build/web', redirectRoot: false })).toEqual({
      path: 'ops/console',
      root: resolve('build/web'),
      redirectRoot: false,
    });
  });

  it('refuses a path that is empty or not plain', () => {
    for (const bad of ['', '/', '../admin', 'admin/../x', 'ad min', 'admin?x=1']) {
      expect(() => normalizeConsolePath(bad), bad).toThrow(/adminConsole.path/);
    }
  });
});
