// The one HTTP client of the console: attaches the access token, refreshes it once on a 401
// (POST /api/v1/auth/refresh with the stored refresh token, one request in flight for all callers),
// and turns the API's error body into an ApiError carrying its Chinese message.

export interface SessionUser {
  id: string;
  username: string;
  name: string;
  role: 'city_admin' | 'county_admin' | 'school_admin' | 'teacher' | 'mentor';
  roleLabel?: string;
  organization?: { id: string; name: string; kind: string } | null;
  county?: { id: string; name: string } | null;
  /** The roles this user may give to accounts they create, with the kinds of unit each fits (the api's rule). */
  accountRoles: { role: string; organizationKinds: string[] }[];
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const STORE = 'xz.session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let tokens: Tokens | null = load();
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

function load(): Tokens | null {
  try {
    const raw = localStorage.getItem(STORE);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

function save(next: Tokens | null) {
  tokens = next;
  if (next) localStorage.setItem(STORE, JSON.stringify(next));
  else localStorage.removeItem(STORE);
}

/** Called when the session ends (refresh failed or logout), so the app goes back to sign-in. */
export function onSignedOut(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function hasSession(): boolean {
  return tokens !== null;
}

export function accessToken(): string | null {
  return tokens?.accessToken ?? null;
}

async function readError(res: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; details?: unknown } } | null = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON (a proxy's page): fall back to a generic message */
  }
  const code = body?.error?.code ?? `HTTP_${res.status}`;
  const message = body?.error?.message ?? (res.status >= 500 ? '服务器暂时无法处理请求，请稍后重试' : `请求失败（${res.status}）`);
  return new ApiError(res.status, code, message, body?.error?.details);
}

async function refresh(): Promise<boolean> {
  if (!tokens) return false;
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: tokens!.refreshToken }),
      });
      if (!res.ok) return false;
      const body = (await res.json()) as Tokens;
      save({ accessToken: body.accessToken, refreshToken: body.refreshToken });
      return true;
    } catch {
      return false;
    } finally {
      // Let the next 401 (after this pair expires) refresh again.
      setTimeout(() => (refreshing = null), 0);
    }
  })();
  return refreshing;
}

function endSession() {
  save(null);
  listeners.forEach((fn) => fn());
}

export interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  json?: unknown;
  form?: FormData;
  signal?: AbortSignal;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const url = path.startsWith('/') ? path : `/api/v1/${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

/** A raw authorised fetch with the one silent refresh; callers read the body themselves. */
export async function authFetch(path: string, opts: RequestOptions = {}): Promise<Response> {
  const send = () => {
    const headers: Record<string, string> = {};
    if (tokens) headers.authorization = `Bearer ${tokens.accessToken}`;
    let body: BodyInit | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) body = opts.form;
    return fetch(buildUrl(path, opts.query), { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
  };
  let res = await send();
  if (res.status === 401 && tokens) {
    if (await refresh()) res = await send();
    else {
      endSession();
      throw new ApiError(401, 'AUTH_SESSION_ENDED', '登录已过期，请重新登录');
    }
  }
  if (!res.ok) throw await readError(res);
  return res;
}

export async function api<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await authFetch(path, opts);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export async function login(username: string, password: string): Promise<SessionUser> {
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw await readError(res);
  const body = (await res.json()) as Tokens;
  save({ accessToken: body.accessToken, refreshToken: body.refreshToken });
  return api<SessionUser>('me');
}

/** Changes the signed-in user's password: this sign-in stays, every other sign-in of the user ends. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await api('me/password', { method: 'POST', json: { currentPassword, newPassword, refreshToken: tokens?.refreshToken } });
}

export async function logout(): Promise<void> {
  const current = tokens;
  try {
    if (current) await api('auth/logout', { method: 'POST', json: { refreshToken: current.refreshToken } });
  } catch {
    /* the session ends locally either way */
  }
  endSession();
}

/** Fetches a protected file (following the api's redirect to a signed URL) and saves it under its name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await authFetch(path);
  const blob = await res.blob();
  const name = filenameOf(res.headers.get('content-disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A blob URL of a protected file, for previews (iframe, img, video). */
export async function blobUrl(path: string): Promise<string> {
  const res = await authFetch(path);
  return URL.createObjectURL(await res.blob());
}

function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}
