import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { clientIp } from './session.ts';

/** A request context with only the X-Forwarded-For header (no socket: the fallback is 'unknown'). */
const withForwarded = (value: string | undefined) => ({ req: { header: (name: string) => (name.toLowerCase() === 'x-forwarded-for' ? value : undefined) }, env: {} }) as unknown as Context;

describe('clientIp: the X-Forwarded-For entry the trusted proxies appended, never what the client wrote on the left', () => {
  it.each([
    // [proxies trusted, header, client IP]
    [0, '203.0.113.5', 'unknown'],
    [1, '203.0.113.5', '203.0.113.5'],
    [1, '6.6.6.6, 203.0.113.5', '203.0.113.5'],
    [1, '6.6.6.6,203.0.113.5', '203.0.113.5'],
    [1, 'spoofed, 2001:db8::1', '2001:db8::1'],
    [2, '6.6.6.6, 203.0.113.5, 10.0.0.2', '203.0.113.5'],
    [2, '203.0.113.5', 'unknown'],
    [1, '203.0.113.5, not-an-address', 'unknown'],
    [1, '', 'unknown'],
    // Proxies that add the port (a load balancer writing address:port).
    [1, '6.6.6.6, 1.2.3.4:5678', '1.2.3.4'],
    [1, '[2001:db8::1]:443', '2001:db8::1'],
    [1, '[2001:db8::1]', '2001:db8::1'],
    [1, '1.2.3.4:port', 'unknown'],
    [1, undefined, 'unknown'],
  ] as const)('%i proxies, "%s" → %s', (proxies, header, ip) => {
    expect(clientIp(withForwarded(header), proxies)).toBe(ip);
  });
});

describe('TRUST_PROXY: how many proxies add an entry', () => {
  it.each([
    [undefined, 0],
    ['false', 0],
    ['true', 1],
    ['2', 2],
  ] as const)('TRUST_PROXY=%s → %i', (value, proxies) => {
    expect(loadConfig({ ...(value !== undefined && { TRUST_PROXY: value }) }).staff.trustProxy).toBe(proxies);
  });
  it.each(['yes', '0', '-1', '1.5', '11'])('TRUST_PROXY=%s is refused', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
  });
});
