/**
 * Login and register are limited per client IP *and submitted e-mail*, so the gateway must read
 * those two small bodies, which it otherwise only streams. The body is read whole (bounded), the
 * e-mail taken from it, and an identical stream handed on, so the auth service receives the exact
 * bytes the client sent.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { bodyTooLarge } from './body-limit.ts';

/** Largest login or register body read (a real one is well under 1 KiB); larger ones are a 413. */
export const LOGIN_BODY_LIMIT = 8 * 1024;
const MAX_EMAIL_LENGTH = 320;

/** A body read whole, and the stream to forward in its place. */
export interface ReadBody {
  bytes: Buffer;
  replay: Readable;
}

/** Reads `payload` whole; more than `limit` bytes (declared or received) is a 413 problem. */
export async function readSmallBody(payload: Readable, headers: IncomingHttpHeaders, limit: number): Promise<ReadBody> {
  if (Number(headers['content-length'] ?? 0) > limit) throw bodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of payload) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    length += buffer.length;
    if (length > limit) throw bodyTooLarge(limit);
    chunks.push(buffer);
  }
  const bytes = Buffer.concat(chunks, length);
  const replay = Readable.from(length === 0 ? [] : [bytes], { objectMode: false });
  // Fastify compares this with Content-Length for the streams its own parsers read.
  Object.assign(replay, { receivedEncodedLength: length });
  return { bytes, replay };
}

/**
 * The e-mail a JSON body names, trimmed and lower-cased as the auth service compares them; '' when
 * there is none (then the request counts against the IP's "no e-mail" budget, just as strictly).
 */
export function submittedEmail(bytes: Buffer, contentType: string | undefined): string {
  if (bytes.length === 0 || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType ?? '')) return '';
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return '';
  }
  const email = (body as { email?: unknown } | null)?.email;
  if (typeof email !== 'string') return '';
  const normalized = email.trim().toLowerCase();
  return normalized.length <= MAX_EMAIL_LENGTH ? normalized : '';
}

/** A short, stable stand-in for an e-mail in rate-limit keys, so Redis never holds addresses. */
export function emailKey(email: string): string {
  return email === '' ? '-' : createHash('sha256').update(email).digest('base64url').slice(0, 22);
}
