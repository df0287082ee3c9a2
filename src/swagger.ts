import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { packageRoot } from './common/package-root.js';
import { finishDocument } from './openapi-finish.js';

function packageInfo(): { name: string; version: string; description: string; license: string } {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
}

/**
 * Swagger UI at /docs and the OpenAPI 3 document at /docs-json. The document is built on the first
 * request for either, not at boot: scanning every route and DTO took about 70 ms of each start, and
 * most processes never serve it. It is built once and kept.
 */
export function setupSwagger(app: INestApplication): void {
  const pkg = packageInfo();
  const config = new DocumentBuilder()
    .setTitle(pkg.name)
    .setDescription(pkg.description)
    .setVersion(pkg.version)
    .setLicense(pkg.license, `https://spdx.org/licenses/${pkg.license}.html`)
    .addServer('/', 'This service')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = () =>
    finishDocument(
      SwaggerModule.createDocument(app, config, {
        operationIdFactory: (controllerKey, methodKey) =>
          `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
      }),
    );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
