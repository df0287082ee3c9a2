import { afterAll, beforeAll } from 'vitest';

/**
 * Something the tests of the enclosing describe share: made in a beforeAll
 * hook (so after whatever earlier hooks made), undone in an afterAll one.
 * `get` answers it between those hooks and throws outside them; `stop` undoes
 * it early.
 */
export function useFixture<T>(
  what: string,
  make: () => T | Promise<T>,
  undo?: (made: T) => unknown,
): { get: () => T; stop: () => Promise<void> } {
  let made: { value: T } | undefined;
  beforeAll(async () => {
    made = { value: await make() };
  });
  const stop = async () => {
    const was = made;
    made = undefined;
    if (was && undo) await undo(was.value);
  };
  afterAll(stop);
  const get = () => {
    if (!made) throw new Error(`${what} exists only between its describe block's hooks`);
    return made.value;
  };
  return { get, stop };
}

/**
 * An object that reads every property from `get()` at the moment it is read,
 * but for those of `own`: it may be handed out before what it stands for exists.
 */
export function standIn<T extends object>(get: () => T, own: Partial<T> = {}): T {
  return new Proxy(own as T, {
    get(target, key) {
      if (key in target) return Reflect.get(target, key);
      const made = get();
      const value: unknown = Reflect.get(made, key);
      return typeof value === 'function' ? value.bind(made) : value;
    },
  });
}
