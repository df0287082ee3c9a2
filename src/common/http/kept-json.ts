/**
 * JSON texts kept with answers that never change once built: one answer object per cached state (the
 * caller's /me, say), sent on every request that finds that state, serialized once. The service's Fastify
 * app serializes every reply through `jsonOf`; a host that does not (Express, or its own Fastify app)
 * serializes the same frozen object as usual, to the same text.
 */
const texts = new WeakMap<object, string>();

/** Freezes `answer` and keeps its JSON text; neither it nor what it holds may change afterwards. */
export function keepJson<T extends object>(answer: T): Readonly<T> {
  const frozen = Object.freeze(answer);
  texts.set(frozen, JSON.stringify(frozen));
  return frozen;
}

/** A reply serializer: the kept text of a kept answer, JSON.stringify for anything else. */
export function jsonOf(payload: unknown): string {
  if (typeof payload === 'object' && payload !== null) {
    const text = texts.get(payload);
    if (text !== undefined) return text;
  }
  return JSON.stringify(payload);
}
