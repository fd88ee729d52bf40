import { extractBearer } from './extract-bearer.ts';

describe('extractBearer', () => {
  const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1MSJ9.c2ln-_';

  it.each([
    [`Bearer ${token}`],
    [`bearer ${token}`],
    [`BEARER ${token}`],
    [`  Bearer   ${token}  `],
    [`Bearer\t${token}`],
  ])('when the header is %j, then it returns the token', (header) => {
    expect(extractBearer(header)).toBe(token);
  });

  it('when the token uses the full b64token alphabet, then it is returned as is', () => {
    expect(extractBearer('Bearer abc~+/.DEF-_123==')).toBe('abc~+/.DEF-_123==');
  });

  it.each([
    [undefined],
    [''],
    ['Bearer'],
    ['Bearer '],
    [token],
    [`Basic ${token}`],
    [`Bearerx ${token}`],
    [`Bearer ${token} extra`],
    [`Bearer ${token},Bearer ${token}`],
    [`Bearer ${token}\nX-Injected: 1`],
    ['Bearer tok"en'],
    ['Bearer =abc'],
    [`Bearer ${'a'.repeat(9000)}`],
  ])('when the header is junk (%j), then it returns undefined', (header) => {
    expect(extractBearer(header)).toBeUndefined();
  });
});
