/** Reads a JSON endpoint now and every `everyMs` while the page shows, pausing in a hidden tab. */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  refresh(): void;
}

export function usePoll<T>(load: () => Promise<T>, everyMs: number, key: string): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const tick = useRef<() => void>(() => undefined);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    setData(undefined);
    setError(undefined);
    const run = async () => {
      clearTimeout(timer);
      try {
        const value = await load();
        if (stopped) return;
        setData(value);
        setError(undefined);
      } catch (e) {
        if (!stopped) setError((e as Error).message);
      }
      if (!stopped) timer = window.setTimeout(run, document.hidden ? everyMs * 5 : everyMs);
    };
    tick.current = () => void run();
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [key]);
  return { data, error, refresh: () => tick.current() };
}
