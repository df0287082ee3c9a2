import type { HttpServer } from '@nestjs/common';
import type { IamMetrics } from './iam-metrics.js';

/** The label of requests that matched no route (404s), so that scanners cannot grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

// The few fields read from each adapter's request and reply; no adapter types in the product code.
type FastifyResponseHook = (
  request: { method: string; is404: boolean },
  reply: { statusCode: number; elapsedTime: number },
  done: () => void,
) => void;
interface FastifyLike {
  addHook(name: 'onRoute', hook: (route: { url: string; onResponse?: unknown }) => void): unknown;
  addHook(name: 'onResponse', hook: FastifyResponseHook): unknown;
}
interface ExpressRequest {
  method: string;
  baseUrl?: string;
  route?: { path?: unknown };
}
interface ExpressResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}
interface ExpressLike {
  use(middleware: (req: ExpressRequest, res: ExpressResponse, next: () => void) => void): unknown;
}

/**
 * Counts every answer (404s and guard refusals too) by route pattern and
 * status. Must run before the routes are registered, i.e. while the
 * application is being created: hooks added later would miss them.
 */
export function attachHttpMetrics(adapter: HttpServer | undefined, metrics: IamMetrics): boolean {
  const type = adapter?.getType();
  if (type === 'fastify') {
    const fastify = adapter!.getInstance() as FastifyLike;
    // One hook per route, holding its pattern: a request costs no lookup and no allocation.
    fastify.addHook('onRoute', (route) => {
      const url = route.url;
      const hook: FastifyResponseHook = (request, reply, done) => {
        metrics.observeHttp(request.method, url, reply.statusCode, reply.elapsedTime / 1000);
        done();
      };
      const existing = route.onResponse;
      route.onResponse =
        existing === undefined ? [hook] : [...(Array.isArray(existing) ? existing : [existing]), hook];
    });
    // Requests that matched no route only pass the application-wide hooks.
    fastify.addHook('onResponse', (request, reply, done) => {
      if (request.is404) {
        metrics.observeHttp(request.method, UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
      }
      done();
    });
    return true;
  }
  if (type === 'express') {
    (adapter!.getInstance() as ExpressLike).use((req, res, next) => {
      const start = performance.now();
      res.once('finish', () => {
        const path = req.route?.path;
        const route = typeof path === 'string' ? (req.baseUrl ?? '') + path : UNMATCHED_ROUTE;
        metrics.observeHttp(req.method, route, res.statusCode, (performance.now() - start) / 1000);
      });
      next();
    });
    return true;
  }
  return false;
}
