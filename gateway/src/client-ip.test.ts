import type { FastifyRequest } from 'fastify';
import { clientIp, ipBucket } from './client-ip.ts';
import { createProxyTrust } from './forwarded-headers.ts';

function request(peer: string, forwardedFor?: string | string[]): FastifyRequest {
  return { raw: { socket: { remoteAddress: peer } }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } as unknown as FastifyRequest;
}

const nobody = createProxyTrust([]);
const proxies = createProxyTrust(['10.0.0.0/8', '::1']);

describe('clientIp', () => {
  it('when the peer is not a trusted proxy, then its address is the client, whatever X-Forwarded-For claims', () => {
    expect(clientIp(request('198.51.100.7', '203.0.113.1'), nobody)).toBe('198.51.100.7');
    expect(clientIp(request('198.51.100.7', '203.0.113.1'), proxies)).toBe('198.51.100.7');
  });

  it('when the peer is a trusted proxy, then the nearest untrusted hop of the chain is the client', () => {
    expect(clientIp(request('10.0.0.2', '203.0.113.1'), proxies)).toBe('203.0.113.1');
    expect(clientIp(request('10.0.0.2', '6.6.6.6, 203.0.113.1, 10.0.0.9'), proxies)).toBe('203.0.113.1');
    expect(clientIp(request('10.0.0.2', ['6.6.6.6', '203.0.113.1']), proxies)).toBe('203.0.113.1');
  });

  it('when the chain holds only trusted proxies or garbage, then the last believable address is the client', () => {
    expect(clientIp(request('10.0.0.2', '10.1.1.1, 10.2.2.2'), proxies)).toBe('10.1.1.1');
    expect(clientIp(request('10.0.0.2', '203.0.113.1, not-an-ip'), proxies)).toBe('10.0.0.2');
    expect(clientIp(request('10.0.0.2'), proxies)).toBe('10.0.0.2');
  });

  it('when addresses carry ports or are IPv4-mapped, then the bare address is used', () => {
    expect(clientIp(request('::ffff:198.51.100.7'), nobody)).toBe('198.51.100.7');
    expect(clientIp(request('::1', '203.0.113.1:5123'), proxies)).toBe('203.0.113.1');
    expect(clientIp(request('::1', '[2001:db8::1]:443'), proxies)).toBe('2001:db8::1');
  });
});

describe('ipBucket', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
  ])('when the address is %s, then its bucket is %s', (address, bucket) => {
    expect(ipBucket(address)).toBe(bucket);
  });
});
