import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describe, expect, it, vi } from 'vitest';
import { RouteMetadata } from './route-metadata.js';

@SetMetadata('scope', 'class')
class Routes {
  @SetMetadata('scope', 'handler')
  own(): void {}

  inherited(): void {}
}

@SetMetadata('scope', 'other class')
class OtherRoutes extends Routes {}

describe('RouteMetadata', () => {
  const proto = Routes.prototype;

  it('answers as Reflector does, the handler over its class, per handler and class', () => {
    const memo = new RouteMetadata();
    const plain = new Reflector();
    for (const targets of [
      [proto.own, Routes],
      [proto.inherited, Routes],
      [proto.inherited, OtherRoutes],
      [proto.own, OtherRoutes],
    ] as [object, object][]) {
      for (const key of ['scope', 'absent']) {
        expect(memo.getAllAndOverride(key, targets as never)).toEqual(
          plain.getAllAndOverride(key, targets as never),
        );
      }
    }
    expect(memo.getAllAndOverride('scope', [proto.inherited, OtherRoutes])).toBe('other class');
  });

  it('reads the metadata once per key, handler and class', () => {
    const memo = new RouteMetadata();
    const read = vi.spyOn(Reflect, 'getMetadata');
    for (let i = 0; i < 3; i++) memo.getAllAndOverride('scope', [proto.inherited, Routes]);
    expect(read).toHaveBeenCalledTimes(2);
    read.mockRestore();
  });
});
