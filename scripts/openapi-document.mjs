// The OpenAPI document exactly as the built service serves it at /docs-json, from a throwaway
// embedded database: no running service and no configuration needed.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The build to read: dist/ (npm run build), or another folder given in OPENAPI_BUILD_DIR. */
export const BUILD_DIR = process.env.OPENAPI_BUILD_DIR || 'dist';

export async function openApiDocument() {
  const dataDir = mkdtempSync(join(tmpdir(), 'champa-iam-openapi-'));
  const saved = { ...process.env };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'AUDIT_HMAC_KEY', 'MFA_ENCRYPTION_KEY'])
    delete process.env[name];
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SWAGGER_ENABLED: 'true',
    // Set, so the throwaway administrator's generated password is not printed.
    ADMIN_PASSWORD: `${randomBytes(12).toString('base64url')}-Aa1`,
  });
  let app;
  try {
    const entry = pathToFileURL(resolve(BUILD_DIR, 'src/app.factory.js')).href;
    const { createApp } = await import(entry);
    app = await createApp();
    await app.init();
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
    if (res.statusCode !== 200) throw new Error(`/docs-json answered ${res.statusCode}`);
    return JSON.parse(res.body);
  } finally {
    await app?.close();
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
