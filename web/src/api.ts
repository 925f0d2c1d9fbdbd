// The /v1 API, with the admin token remembered in this browser. Errors carry the API's own
// message ({"error": {"message", "field"}}) so pages can show it in plain words.
const TOKEN_KEY = 'pond.token';

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

async function request<T>(method: string, path: string, body?: unknown, as?: 'text'): Promise<T> {
  const headers: Record<string, string> = {};
  const tok = token();
  if (tok) headers.authorization = `Bearer ${tok}`;
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
    if (res.status === 401 && tok && path !== '/v1/stages') {
      setToken(null);
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
