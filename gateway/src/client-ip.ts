/**
 * Who is calling, for rate limiting: the socket's peer address, or — only when that peer is one of
 * the trusted proxies (TRUST_PROXY) — the address those proxies recorded in X-Forwarded-For. The
 * chain is read from the right and the first address that is not a trusted proxy wins: whatever a
 * client wrote further left is its own claim and is never believed.
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { ProxyTrust } from './forwarded-headers.ts';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The client's address: the peer, or the nearest untrusted hop of X-Forwarded-For behind trusted proxies. */
export function clientIp(request: FastifyRequest, trust: ProxyTrust): string {
  let candidate = normalizeIp(request.raw.socket.remoteAddress ?? '');
  if (!trust(candidate)) return candidate;
  const header = request.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (let index = chain.length - 1; index >= 0; index -= 1) {
    const hop = normalizeIp(stripPort(chain[index]!.trim()));
    if (isIP(hop) === 0) break;
    candidate = hop;
    if (!trust(hop)) break;
  }
  return candidate;
}

/**
 * The rate-limit bucket of an address: IPv4 as is, IPv6 by its /64 prefix — one subscriber usually
 * holds a whole /64 and could otherwise take a fresh address for every request.
 */
export function ipBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  if (tail === undefined) return `${prefix64(headGroups)}::/64`;
  const tailGroups = tail === '' ? [] : tail.split(':');
  const tailWidth = tailGroups.reduce((width, group) => width + (group.includes('.') ? 2 : 1), 0);
  const zeros = new Array<string>(Math.max(0, 8 - headGroups.length - tailWidth)).fill('0');
  return `${prefix64([...headGroups, ...zeros, ...tailGroups])}::/64`;
}

function prefix64(groups: readonly string[]): string {
  return groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':');
}

function normalizeIp(address: string): string {
  const mapped = MAPPED_IPV4.exec(address);
  return mapped === null ? address : mapped[1]!;
}

/** `203.0.113.7:5123` and `[2001:db8::1]:443` (some proxies add the port) → the bare address. */
function stripPort(hop: string): string {
  if (hop.startsWith('[')) return hop.slice(1, hop.indexOf(']') === -1 ? undefined : hop.indexOf(']'));
  const colon = hop.indexOf(':');
  return colon !== -1 && colon === hop.lastIndexOf(':') ? hop.slice(0, colon) : hop;
}
