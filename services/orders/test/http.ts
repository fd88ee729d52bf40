/** `app.inject` shorthands for the orders HTTP tests. */
import type { ServiceApp } from '@orderly/service-kit';
import type { LightMyRequestResponse } from 'fastify';

type Method = 'GET' | 'POST' | 'PATCH';

export interface Call {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export type HttpClient = (method: Method, url: string, call?: Call) => Promise<LightMyRequestResponse>;

export function httpClient(service: ServiceApp): HttpClient {
  return (method, url, call = {}) => {
    const headers: Record<string, string> = { ...call.headers };
    if (call.token) headers.authorization = `Bearer ${call.token}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    return service.app.inject({
      method,
      url,
      headers,
      ...(call.body === undefined ? {} : { payload: typeof call.body === 'string' ? call.body : JSON.stringify(call.body) }),
    });
  };
}
