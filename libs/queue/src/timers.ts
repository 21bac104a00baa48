/** setTimeout fires at once for delays over 2^31-1 ms (~24.8 days); a monthly cron or a long reminder needs more. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Calls fn at `dueAt` (epoch ms), never before it, however far away. Returns a function that cancels it.
 * setTimeout runs on a monotonic clock and may fire a millisecond before Date.now() reaches dueAt, so the timer
 * re-checks the wall clock and re-arms for what is left instead of running early.
 */
export function setTimer(fn: () => void, dueAt: number): () => void {
  let handle: ReturnType<typeof setTimeout>;
  const arm = () => {
    handle = setTimeout(check, Math.min(Math.max(0, dueAt - Date.now()), MAX_TIMEOUT_MS));
  };
  const check = () => (Date.now() >= dueAt ? fn() : arm());
  arm();
  return () => clearTimeout(handle);
}

/** Resolves true when the promise settles within `ms`, false otherwise; the timer never outlives the race. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    handle = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(handle);
  }
}

/** Rejects with `message` when the promise takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    handle = setTimeout(() => reject(new Error(message)), ms);
  });
  promise.catch(() => undefined); // a late rejection after the timeout must not become unhandled
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(handle);
  }
}
