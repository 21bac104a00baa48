import { useCallback, useEffect, useRef, useState } from 'react';
import { App } from 'antd';
import { ApiError } from './api';

/** Loads data with a loading flag and shows the API's message on failure. `deps` re-run it. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): { data: T | undefined; loading: boolean; error: ApiError | null; reload: () => void } {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  const { message } = App.useApp();
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    fn()
      .then((d) => {
        if (mine === seq.current) {
          setData(d);
          setError(null);
        }
      })
      .catch((e) => {
        if (mine !== seq.current) return;
        const err = e instanceof ApiError ? e : new ApiError(0, 'NETWORK', '网络连接失败，请检查网络后重试');
        setError(err);
        message.error(err.message);
      })
      .finally(() => mine === seq.current && setLoading(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, loading, error, reload };
}

/** Wraps an action: a busy flag for its button, a success message, the API's message on failure. */
export function useAction() {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <T,>(fn: () => Promise<T>, success?: string): Promise<T | undefined> => {
      setBusy(true);
      try {
        const result = await fn();
        if (success) message.success(success);
        return result;
      } catch (e) {
        message.error(e instanceof ApiError ? e.message : '网络连接失败，请检查网络后重试');
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [message],
  );
  return { busy, run };
}

/** The value after it stopped changing for `ms` (search as you type). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
