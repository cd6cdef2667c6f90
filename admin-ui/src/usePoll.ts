import { useEffect, useState } from 'preact/hooks';

/**
 * Loads `load()` now, every `everyMs`, and whenever `bump` changes (after an action or a feed
 * event); keeps the last good value and the last error.
 */
export function usePoll<T>(load: () => Promise<T>, everyMs: number, bump: unknown): { data: T | undefined; error: string | undefined } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    const run = () =>
      load().then(
        (d) => live && (setData(d), setError(undefined)),
        (e: Error) => live && setError(e.message),
      );
    void run();
    const timer = setInterval(run, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [bump]);
  return { data, error };
}
