/**
 * Headers as they cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1: `Connection`, the names
 * it lists, `Keep-Alive`, `Transfer-Encoding`, `TE`, `Trailer`, `Upgrade`, `Proxy-Connection`)
 * belong to one connection and are not passed on in either direction; `Host` becomes the
 * instance's and `Expect` was already answered by the gateway. Requests lose identity claims and
 * get forwarding headers (see forwarded-headers.ts); both directions carry the gateway's request id.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { REQUEST_ID_HEADER } from '@orderly/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setForwardedHeaders, stripIdentityHeaders, type ProxyTrust } from './forwarded-headers.ts';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'];
// Proxy-Authorization is meant for the gateway (a proxy), never for the service behind it.
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'proxy-authorization', 'host', 'expect']);
const NOT_RETURNED = new Set([...HOP_BY_HOP, REQUEST_ID_HEADER]);
const NONE: readonly string[] = [];

/** Names listed in a Connection header other than the usual `keep-alive` / `close`, lower-cased. */
function listedInConnection(value: string | string[] | undefined): readonly string[] {
  if (value === undefined || value === 'keep-alive' || value === 'close') return NONE;
  return String(value)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/** The headers an instance receives for `request` (a fresh object; the client's are untouched). */
export function upstreamRequestHeaders(request: FastifyRequest, trust: ProxyTrust): IncomingHttpHeaders {
  const source = request.headers;
  const headers: IncomingHttpHeaders = {};
  for (const name in source) {
    if (!NOT_FORWARDED.has(name)) headers[name] = source[name];
  }
  for (const name of listedInConnection(source.connection)) delete headers[name];
  stripIdentityHeaders(headers);
  setForwardedHeaders(request, headers, trust);
  headers[REQUEST_ID_HEADER] = request.id;
  return headers;
}

/** Copies an instance's response headers onto `reply`, which keeps the gateway's request id. */
export function copyResponseHeaders(headers: IncomingHttpHeaders, reply: FastifyReply): void {
  const listed = listedInConnection(headers.connection);
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !NOT_RETURNED.has(name) && (listed.length === 0 || !listed.includes(name))) reply.header(name, value);
  }
  reply.header(REQUEST_ID_HEADER, reply.request.id);
}
