import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` until it returns true (bounded); for recoveries that take a reconnect. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await sleep(100);
  }
}
