import { useCallback, useState } from 'react';

/**
 * A form's submit state: busy while the request runs, and the error it ended with (cleared when the next
 * one starts). `onError` sees the error first, to mark fields or reset a code; answering 'handled' keeps
 * it out of the form's alert.
 */
export function useSubmit() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<void>, onError?: (e: unknown) => void | 'handled') => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      if (onError?.(e) !== 'handled') setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { error, busy, run, clearError: () => setError(null) };
}
