import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { createProxyTrust, setForwardedHeaders, stripIdentityHeaders } from './forwarded-headers.ts';

const requestFrom = (remoteAddress: string, host = 'api.orderly.test') =>
  ({ raw: { socket: { remoteAddress } }, headers: { host } }) as unknown as FastifyRequest;

describe('createProxyTrust', () => {
  it('when addresses and CIDRs are listed, then exactly those peers are trusted, IPv4-mapped included', () => {
    const trust = createProxyTrust(['10.0.0.0/8', '192.168.1.5', '::1', 'fd00::/8']);

    expect(['10.1.2.3', '::ffff:10.9.9.9', '192.168.1.5', '::1', 'fd12::1'].map(trust)).toEqual([true, true, true, true, true]);
    expect(['11.0.0.1', '192.168.1.6', '::2', ''].map(trust)).toEqual([false, false, false, false]);
  });

  it('when nothing is listed, then nobody is trusted', () => {
    expect(createProxyTrust([])('127.0.0.1')).toBe(false);
  });
});

describe('stripIdentityHeaders', () => {
  it('when identity headers are present, then only they are removed', () => {
    const headers: IncomingHttpHeaders = {
      'x-user-id': 'u',
      'x-user-roles': 'admin',
      'x-authenticated-userid': 'u',
      'x-identity': 'i',
      'x-identity-sub': 'u',
      'x-forwarded-user': 'u',
      'x-auth-user-id': 'u',
      'remote-user': 'u',
      'x-request-id': 'r',
      'x-users-note': 'unrelated',
      authorization: 'Bearer t',
    };

    stripIdentityHeaders(headers);

    expect(headers).toEqual({ 'x-request-id': 'r', 'x-users-note': 'unrelated', authorization: 'Bearer t' });
  });
});

describe('setForwardedHeaders', () => {
  const trust = createProxyTrust(['10.0.0.1']);

  it('when the peer is not a trusted proxy, then its forwarding headers are replaced', () => {
    const headers: IncomingHttpHeaders = { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https', forwarded: 'for=6.6.6.6' };

    setForwardedHeaders(requestFrom('203.0.113.9'), headers, trust);

    expect(headers).toEqual({ 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'api.orderly.test' });
  });

  it('when the peer is a trusted proxy, then the chain is extended and its proto and host are kept', () => {
    const headers: IncomingHttpHeaders = { 'x-forwarded-for': '198.51.100.4', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.test' };

    setForwardedHeaders(requestFrom('10.0.0.1'), headers, trust);

    expect(headers).toEqual({ 'x-forwarded-for': '198.51.100.4, 10.0.0.1', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'shop.test' });
  });
});
