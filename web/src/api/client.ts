/**
 * The typed API client: every path, parameter and body comes from the OpenAPI document the server
 * publishes (schema.d.ts, generated), so the dashboard cannot drift from the API.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths, components } from './schema';
import { authHeaders } from './token';

export type Schemas = components['schemas'];

/** An answer that is not a success: the API's error shape, with the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The server could not be reached at all (stopped, or the network is down). */
export class Unreachable extends Error {}

const auth: Middleware = {
  onRequest({ request }) {
    for (const [k, v] of Object.entries(authHeaders())) request.headers.set(k, v);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '/api/v1' });
api.use(auth);

/** The data of an openapi-fetch answer, or an ApiError / Unreachable. */
export async function data<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    throw new Unreachable(err instanceof Error ? err.message : String(err));
  }
  if (result.response.ok) return result.data as T;
  const body = result.error as
    { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
  throw new ApiError(
    result.response.status,
    body?.error?.code ?? `http_${result.response.status}`,
    body?.error?.message ?? result.response.statusText,
    body?.error?.details ?? {},
  );
}
