import { decodeCursor, encodeCursor } from './order-cursor.ts';

const cursor = { createdAt: '2026-03-01T12:34:56.789Z', id: '0195a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b' };

describe('order list cursor', () => {
  it('when a cursor is encoded, then it is opaque base64url and decodes to the same position', () => {
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(cursor);
  });

  it.each([
    ['not base64 JSON', 'nope'],
    ['an empty array', Buffer.from('[]').toString('base64url')],
    ['a bad id', Buffer.from(JSON.stringify([cursor.createdAt, 'x'])).toString('base64url')],
    ['a time without milliseconds', Buffer.from(JSON.stringify(['2026-03-01T12:34:56Z', cursor.id])).toString('base64url')],
    ['an impossible date', Buffer.from(JSON.stringify(['2026-02-30T00:00:00.000Z', cursor.id])).toString('base64url')],
    ['an object', Buffer.from(JSON.stringify(cursor)).toString('base64url')],
  ])('when the cursor is %s, then it is a 400 invalid-cursor', (_case, value) => {
    expect(() => decodeCursor(value)).toThrow(expect.objectContaining({ status: 400, code: 'invalid-cursor' }));
  });
});
