import type { HttpServer } from '@nestjs/common';
import type { IamMetrics } from './iam-metrics.js';

/** The label of requests that matched no route (404s), so that scanners cannot grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

// The few fields read from each adapter's request and reply; no adapter types in the product code.
interface FastifyLike {
  addHook(
    name: 'onResponse',
    hook: (
      request: { method: string; routeOptions?: { url?: string } },
      reply: { statusCode: number; elapsedTime: number },
      done: () => void,
    ) => void,
  ): unknown;
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
    (adapter!.getInstance() as FastifyLike).addHook('onResponse', (request, reply, done) => {
      metrics.observeHttp(
        request.method,
        request.routeOptions?.url ?? UNMATCHED_ROUTE,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
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
