// The /v1 API. A user signs in with a login and password: the session rides in pond's HttpOnly
// cookie, and this browser keeps only who signed in and the session's CSRF token, sent on every
// request that changes something. An admin token (for the engineer) is remembered instead and
// sent as a Bearer token. Errors carry the API's own message ({"error": {"message", "field"}})
// so pages can show it in plain words.
const TOKEN_KEY = 'pond.token';
const SESSION_KEY = 'pond.session';

export interface User {
  id: string;
  login: string;
  name: string;
  role: 'owner' | 'operator' | 'analyst' | 'staff' | 'distributor';
  staff_id?: string;
}
interface Session {
  csrf: string;
  user: User;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

// Called when the API refuses the remembered token (revoked, or another pond): main.ts sends
// the operator back to sign in.
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

function session(): Session | null {
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
  } catch {
    return null;
  }
}

// The signed-in user, or null for an admin token (which may do everything).
export function currentUser(): User | null {
  return session()?.user ?? null;
}

export function signedIn(): boolean {
  return token() !== null || session() !== null;
}

export async function signInWithPassword(login: string, password: string): Promise<void> {
  const r = await request<{ csrf_token: string; user: User }>('POST', '/v1/auth/login', { login, password });
  setToken(null);
  localStorage.setItem(SESSION_KEY, JSON.stringify({ csrf: r.csrf_token, user: r.user }));
}

export async function signOut(): Promise<void> {
  if (session()) {
    try {
      await request('POST', '/v1/auth/logout', {});
    } catch {
      /* already ended: forget it anyway */
    }
  }
  localStorage.removeItem(SESSION_KEY);
  setToken(null);
}

async function request<T>(method: string, path: string, body?: unknown, as?: 'text'): Promise<T> {
  const headers: Record<string, string> = {};
  const tok = token();
  const s = tok ? null : session();
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (s && method !== 'GET') headers['x-csrf-token'] = s.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, `pond is not reachable (${(e as Error).message})`);
  }
  const text = await res.text();
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    let field: string | undefined;
    try {
      const err = JSON.parse(text).error;
      if (err?.message) message = err.message;
      field = err?.field;
    } catch {
      /* not JSON */
    }
    // The sign-in check (GET /v1/stages) shows its own error instead.
    if (res.status === 401 && (tok || s) && path !== '/v1/stages' && path !== '/v1/auth/login') {
      setToken(null);
      localStorage.removeItem(SESSION_KEY);
      onUnauthorized();
    }
    throw new ApiError(res.status, field ? `${message} (${field})` : message, field);
  }
  return (as === 'text' ? text : JSON.parse(text)) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  text: (path: string) => request<string>('GET', path, undefined, 'text'),
  post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};
