import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

type Target = object;

/**
 * One value per route (handler and class), built on its first request. A route's decorators are fixed
 * once its class is defined, so what a guard reads from them can be kept; requests come for the same
 * route in runs, so the route asked last is kept at hand.
 */
export class RouteMemo<T> {
  private readonly routes = new WeakMap<Target, Map<Target, T>>();
  private lastHandler?: Target;
  private lastClass?: Target;
  private lastValue?: T;

  constructor(private readonly build: (handler: Target, classRef: Target) => T) {}

  get(handler: Target, classRef: Target): T {
    if (handler === this.lastHandler && classRef === this.lastClass) return this.lastValue!;
    let byClass = this.routes.get(handler);
    if (!byClass) this.routes.set(handler, (byClass = new Map()));
    let value = byClass.get(classRef);
    if (value === undefined) byClass.set(classRef, (value = this.build(handler, classRef)));
    this.lastHandler = handler;
    this.lastClass = classRef;
    this.lastValue = value;
    return value;
  }
}

/**
 * Nest's Reflector, with `getAllAndOverride` remembered per handler, class
 * and key: the guards ask the same questions of every request (public? which
 * permissions?), and each answer is read from the metadata once.
 */
@Injectable()
export class RouteMetadata extends Reflector {
  private readonly routes = new RouteMemo<Map<unknown, unknown>>(() => new Map());

  override getAllAndOverride<TResult = unknown>(key: unknown, targets: Target[]): TResult {
    if (targets.length !== 2) return super.getAllAndOverride<TResult>(key, targets as never);
    const answers = this.routes.get(targets[0]!, targets[1]!);
    if (answers.has(key)) return answers.get(key) as TResult;
    const answer = super.getAllAndOverride<TResult>(key, targets as never);
    answers.set(key, answer);
    return answer;
  }
}
