/**
 * Request headers as an upstream receives them: identity claims a client made up are removed
 * (services never trust them, and neither does anything in between), and X-Forwarded-For/-Proto/
 * -Host describe the client. A client's own X-Forwarded-* headers are kept only when it is one of
 * the trusted proxies (TRUST_PROXY); otherwise the gateway is the first proxy and starts afresh.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIPv6 } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';

/** Names of identity headers that never reach an upstream from a client. */
const IDENTITY_HEADERS = new Set(['x-user', 'x-roles', 'x-identity', 'x-forwarded-user', 'x-remote-user', 'remote-user']);
const IDENTITY_PREFIXES = ['x-user-', 'x-authenticated-', 'x-identity-', 'x-auth-user'];
const LOWERCASE_X = 120;

/** Whether a peer address belongs to a trusted proxy. */
export type ProxyTrust = (address: string) => boolean;

/** Builds the trust check for TRUST_PROXY entries (addresses or CIDRs); none trusts nobody. */
export function createProxyTrust(entries: readonly string[]): ProxyTrust {
  if (entries.length === 0) return () => false;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return (address) => address !== '' && list.check(address, isIPv6(address) ? 'ipv6' : 'ipv4');
}

/** Deletes every header that claims an identity; `headers` is the upstream's own copy. */
export function stripIdentityHeaders(headers: IncomingHttpHeaders): void {
  for (const name in headers) {
    if (name.charCodeAt(0) !== LOWERCASE_X && name !== 'remote-user') continue;
    if (IDENTITY_HEADERS.has(name) || hasIdentityPrefix(name)) delete headers[name];
  }
}

function hasIdentityPrefix(name: string): boolean {
  for (const prefix of IDENTITY_PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}

/** Sets X-Forwarded-For/-Proto/-Host on the upstream's copy of the request headers. */
export function setForwardedHeaders(request: FastifyRequest, headers: IncomingHttpHeaders, trust: ProxyTrust): void {
  const socket = request.raw.socket;
  const peer = socket.remoteAddress ?? '';
  const protocol = (socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
  const host = request.headers.host;
  if (trust(peer)) {
    const chain = headers['x-forwarded-for'];
    headers['x-forwarded-for'] = chain ? `${String(chain)}, ${peer}` : peer;
    headers['x-forwarded-proto'] ??= protocol;
    if (host !== undefined) headers['x-forwarded-host'] ??= host;
    return;
  }
  headers['x-forwarded-for'] = peer;
  headers['x-forwarded-proto'] = protocol;
  if (host === undefined) delete headers['x-forwarded-host'];
  else headers['x-forwarded-host'] = host;
  delete headers.forwarded;
}
