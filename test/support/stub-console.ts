import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { expect } from 'vitest';
import { standIn, useFixture } from './fixture.js';

/** A stand-in for the built console: an index page, one hashed bundle and an icon, in a folder of its own. */
export interface StubConsole {
  root: string;
  /** The bundle's URL path under the console, e.g. `assets/app-5f3c9a1b.js`. */
  bundle: string;
  dispose(): void;
}

export const STUB_TITLE = 'Stub admin console';

export function stubConsole(path = 'admin'): StubConsole {
  const root = mkdtempSync(join(tmpdir(), 'champa-iam-console-'));
  const bundle = 'assets/app-5f3c9a1b.js';
  mkdirSync(join(root, 'assets'));
  // The inline script must never run under the console's policy; the bundle must.
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${STUB_TITLE}</title>
    <script>window.__inlineRan = true;</script>
    <script type="module" src="/${path}/${bundle}"></script>
  </head>
  <body>
    <main><h1>${STUB_TITLE}</h1><p id="status">loading</p></main>
  </body>
</html>
`,
  );
  writeFileSync(
    join(root, bundle),
    `window.__bundleRan = true;\ndocument.getElementById('status').textContent = 'bundle ran';\n`,
  );
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
  return { root, bundle, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * A stub console for the enclosing describe, made in a beforeAll hook declared
 * before the app that serves it, removed after the last test.
 */
export function useStubConsole(path?: string): StubConsole {
  return standIn(
    useFixture(
      'the stub console',
      () => stubConsole(path),
      (stub) => stub.dispose(),
    ).get,
  );
}

/** A 302 to `location`. */
export function expectRedirect(res: Response, location: string): void {
  expect({ status: res.status, location: res.headers.location }).toEqual({ status: 302, location });
}
