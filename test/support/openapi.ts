import { expect } from 'vitest';
import { bearer, type TestApp } from './harness.js';

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** OpenAPI path, e.g. /auth/api/users/{id} */
  path: string;
  operationId: string;
  /** `security: []`: open to anonymous callers. */
  isPublic: boolean;
  /** Any one of these passes the check; empty: any authenticated caller. */
  permissions: string[];
  hasBody: boolean;
  /** The request body's documented properties, and the required ones. */
  bodyProperties: string[];
  bodyRequired: string[];
  pathParams: string[];
  queryParams: string[];
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

interface SchemaObject {
  $ref?: string;
  properties?: Record<string, unknown>;
  required?: string[];
}

interface OpenApiDoc {
  components?: { schemas?: Record<string, SchemaObject> };
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        security?: unknown[];
        requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
        parameters?: { in: string; name: string }[];
        responses: Record<string, { description?: string }>;
      }
    >
  >;
}

/**
 * Every operation of the served OpenAPI document, with the permissions its
 * 403 response documents (`PERMISSION_DENIED (needs a or b)`), so that a
 * route added tomorrow is covered by the suites without editing them.
 */
export async function operationsOf(t: TestApp): Promise<Operation[]> {
  const res = await t.http().get('/docs-json');
  expect(res.status).toBe(200);
  const doc = res.body as OpenApiDoc;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      let schema = op.requestBody?.content?.['application/json']?.schema;
      if (schema?.$ref) schema = doc.components?.schemas?.[schema.$ref.split('/').pop()!];
      const needs = /PERMISSION_DENIED \(needs ([a-z0-9_ ]+)\)/.exec(op.responses['403']?.description ?? '');
      ops.push({
        method,
        path,
        operationId: op.operationId,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        permissions: needs ? needs[1].split(' or ').map((s) => s.trim()) : [],
        hasBody: op.requestBody !== undefined,
        bodyProperties: Object.keys(schema?.properties ?? {}),
        bodyRequired: schema?.required ?? [],
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  return ops;
}

/** The operation's path with its parameters filled in (URI-encoded). */
export function pathOf(op: Operation, values: Record<string, string | number>): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {${name}} in ${op.path}`);
    return encodeURIComponent(String(values[name]));
  });
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  query?: string;
  headers?: Record<string, string>;
}

/** Calls one operation as given. */
export function call(t: TestApp, op: Operation, path: string, options: CallOptions = {}) {
  const url = options.query ? `${path}?${options.query}` : path;
  const req = t.http()[op.method](url);
  if (options.token) req.set(bearer(options.token));
  for (const [k, v] of Object.entries(options.headers ?? {})) req.set(k, v);
  if (options.body !== undefined) {
    if (typeof options.body === 'string') req.set('Content-Type', 'application/json').send(options.body);
    else req.send(options.body as object);
  }
  return req;
}

export const label = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;
