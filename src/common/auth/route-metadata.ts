import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

type Target = object;
type Answers = Map<unknown, unknown>;

/**
 * Nest's Reflector, with `getAllAndOverride` remembered per handler, class
 * and key. The guards ask the same questions of every request (public? which
 * permissions? which rate limit?), and a route's decorators are fixed once
 * its class is defined, so each answer is read from the metadata once. A
 * guard asks its questions one after another for the same route, so the
 * route asked last is kept at hand.
 */
@Injectable()
export class RouteMetadata extends Reflector {
  private readonly routes = new WeakMap<Target, Map<Target, Answers>>();
  private lastHandler?: Target;
  private lastClass?: Target;
  private lastAnswers?: Answers;

  override getAllAndOverride<TResult = unknown>(key: unknown, targets: Target[]): TResult {
    if (targets.length !== 2) return super.getAllAndOverride<TResult>(key, targets as never);
    const [handler, classRef] = targets;
    const answers =
      handler === this.lastHandler && classRef === this.lastClass
        ? this.lastAnswers!
        : this.answersOf(handler, classRef);
    if (answers.has(key)) return answers.get(key) as TResult;
    const answer = super.getAllAndOverride<TResult>(key, targets as never);
    answers.set(key, answer);
    return answer;
  }

  private answersOf(handler: Target, classRef: Target): Answers {
    let byClass = this.routes.get(handler);
    if (!byClass) this.routes.set(handler, (byClass = new Map()));
    let answers = byClass.get(classRef);
    if (!answers) byClass.set(classRef, (answers = new Map()));
    this.lastHandler = handler;
    this.lastClass = classRef;
    this.lastAnswers = answers;
    return answers;
  }
}
