import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

type Target = object;

/**
 * Nest's Reflector, with `getAllAndOverride` remembered per key, handler and
 * class. The guards ask the same questions of every request (public? which
 * permissions? which rate limit?), and a route's decorators are fixed once
 * its class is defined, so each answer is read from the metadata once.
 */
@Injectable()
export class RouteMetadata extends Reflector {
  private readonly answers = new Map<unknown, WeakMap<Target, WeakMap<Target, unknown>>>();

  override getAllAndOverride<TResult = unknown>(key: unknown, targets: Target[]): TResult {
    if (targets.length !== 2) return super.getAllAndOverride<TResult>(key, targets as never);
    const [handler, classRef] = targets;
    let byHandler = this.answers.get(key);
    if (!byHandler) this.answers.set(key, (byHandler = new WeakMap()));
    let byClass = byHandler.get(handler);
    if (!byClass) byHandler.set(handler, (byClass = new WeakMap()));
    if (byClass.has(classRef)) return byClass.get(classRef) as TResult;
    const answer = super.getAllAndOverride<TResult>(key, targets as never);
    byClass.set(classRef, answer);
    return answer;
  }
}
