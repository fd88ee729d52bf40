/**
 * Request bodies are streamed to upstreams, never parsed, so Fastify's own body limit does not
 * apply: this hook enforces it. A declared Content-Length over the limit is refused before anything
 * is read or sent; a chunked body is counted as it streams and cut off once it exceeds the limit.
 */
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@orderly/service-kit';
import type { preParsingHookHandler } from 'fastify';

/** The error a body over the limit produces, also when it surfaces through the upstream request. */
export function bodyTooLarge(limit: number): AppError {
  return new AppError(413, 'body-too-large', `The request body exceeds ${limit} bytes.`);
}

/** Passes a stream through until more than `limit` bytes went by, then fails it with a 413. */
class ByteLimit extends Transform {
  private remaining: number;
  private readonly limit: number;

  constructor(limit: number) {
    super();
    this.limit = limit;
    this.remaining = limit;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.remaining -= chunk.length;
    if (this.remaining < 0) callback(bodyTooLarge(this.limit));
    else callback(null, chunk);
  }
}

function ignore(): void {}

/** A preParsing hook refusing request bodies larger than `limit` bytes with a 413 problem. */
export function limitBody(limit: number): preParsingHookHandler {
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError('limitBody: "limit" must be a positive integer');
  return function limitRequestBody(request, _reply, payload, done) {
    const declared = request.headers['content-length'];
    if (declared !== undefined) {
      if (Number(declared) > limit) done(bodyTooLarge(limit));
      else done(null, payload);
      return;
    }
    if (request.headers['transfer-encoding'] === undefined) {
      done(null, payload);
      return;
    }
    done(null, pipeline(payload, new ByteLimit(limit), ignore));
  };
}
