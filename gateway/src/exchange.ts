/**
 * One proxied request and its tries, each try dispatched to an instance's pool with the exchange
 * itself as undici's handler (no response wrapper, no body stream for small answers).
 *
 * - Response headers settle it: the breaker learns the outcome (5xx fail, anything else succeeds),
 *   the time-out stops, the instance is known to answer.
 * - A body whose declared length is at most {@link SMALL_BODY_BYTES} is collected and sent in one
 *   piece once complete: no stream machinery, and a body that breaks off still becomes a clean 502.
 *   Any other body (unknown length, event streams, large downloads) streams with back-pressure; a
 *   client that leaves aborts the upstream request.
 * - No response: a connection error counts towards ejecting the instance; a refused or reset GET or
 *   HEAD goes once to another instance (the same handler, reset); otherwise the client gets a problem.
 * - The time-out runs from the first dispatch to response headers, a queued request included: the
 *   client gets its 504 at once and the try is aborted (before it is written, if still queued).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { Admission } from './breaker.ts';
import { classifyFailure, type UpstreamFailure } from './upstream-errors.ts';
import { copyResponseHeaders } from './upstream-headers.ts';
import type { UpstreamInstance } from './upstreams.ts';

/** Largest declared body sent in one piece rather than streamed. */
export const SMALL_BODY_BYTES = 64 * 1024;

/** What an exchange reports to, and gets from, its service's relay. */
export interface ExchangeContext {
  pools: readonly Dispatcher[];
  timeoutMs: number;
  answered(instance: UpstreamInstance, statusCode: number, seconds: number): void;
  /** A try got no response; returns another instance to try when `retry` allows it and there is one. */
  failedTry(instance: UpstreamInstance, kind: UpstreamFailure, seconds: number, retry: boolean): UpstreamInstance | undefined;
  /** Logs the failure and answers the client with its problem (the breaker already knows). */
  fail(request: FastifyRequest, reply: FastifyReply, kind: UpstreamFailure, error: unknown): void;
}

type Phase = 'waiting' | 'collecting' | 'streaming' | 'done';

const SERVER_ERROR = new Error('the upstream answered with a 5xx status');
const TIMED_OUT = Object.assign(new Error('no response headers within the upstream time-out'), { code: 'UND_ERR_HEADERS_TIMEOUT' });
const BAD_STATUS = Object.assign(new Error('the upstream answered with an invalid status'), { code: 'BAD_STATUS' });
const CLIENT_GONE = new Error('the client closed its connection');

function expire(exchange: Exchange): void {
  exchange.expire();
}

/** A request on its way through one service's instances. */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly #context: ExchangeContext;
  readonly #request: FastifyRequest;
  readonly #reply: FastifyReply;
  readonly #admission: Admission;
  readonly #options: Dispatcher.DispatchOptions;
  #retry: boolean;
  #settled = false;
  #phase: Phase = 'waiting';
  #instance: UpstreamInstance | undefined;
  #startedAt = 0;
  #controller: Dispatcher.DispatchController | null = null;
  #deadline: NodeJS.Timeout;
  #statusCode = 0;
  #headers: IncomingHttpHeaders | undefined;
  #chunks: Buffer[] = [];
  #stream: Readable | undefined;

  constructor(context: ExchangeContext, request: FastifyRequest, reply: FastifyReply, admission: Admission, headers: IncomingHttpHeaders) {
    this.#context = context;
    this.#request = request;
    this.#reply = reply;
    this.#admission = admission;
    const body = (request.body ?? undefined) as Readable | undefined;
    this.#options = { path: request.url, method: request.method as Dispatcher.HttpMethod, headers, body };
    this.#retry = body === undefined && (request.method === 'GET' || request.method === 'HEAD');
    this.#deadline = setTimeout(expire, context.timeoutMs, this);
  }

  /** Dispatches a try to `instance`. */
  send(instance: UpstreamInstance): void {
    this.#instance = instance;
    this.#phase = 'waiting';
    this.#controller = null;
    this.#startedAt = performance.now();
    this.#context.pools[instance.index]!.dispatch(this.#options, this);
  }

  /** The time-out passed: answers 504 and aborts the try, unless headers came first. */
  expire(): void {
    if (this.#settled) return;
    this.#context.failedTry(this.#instance!, 'timeout', (performance.now() - this.#startedAt) / 1000, false);
    this.#fail('timeout', TIMED_OUT);
    this.#controller?.abort(TIMED_OUT);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#settled) controller.abort(TIMED_OUT);
    else this.#controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200 || this.#phase !== 'waiting') return;
    if (this.#settled) return controller.abort(TIMED_OUT);
    this.#settle();
    this.#context.answered(this.#instance!, statusCode, (performance.now() - this.#startedAt) / 1000);
    if (statusCode > 599) {
      this.#phase = 'done';
      controller.abort(BAD_STATUS);
      this.#admission.reject(BAD_STATUS);
      return this.#context.fail(this.#request, this.#reply, 'other', BAD_STATUS);
    }
    if (statusCode >= 500) this.#admission.reject(SERVER_ERROR);
    else this.#admission.resolve();
    if (this.#reply.raw.destroyed) {
      this.#phase = 'done';
      return controller.abort(CLIENT_GONE);
    }
    this.#statusCode = statusCode;
    this.#headers = headers;
    const declared = headers['content-length'];
    if (declared !== undefined && this.#options.method !== 'HEAD' && Number(declared) <= SMALL_BODY_BYTES) {
      this.#phase = 'collecting';
      return;
    }
    this.#phase = 'streaming';
    this.#stream = new Readable({
      read: () => controller.resume(),
      destroy: (error, callback) => {
        if (this.#phase === 'streaming') controller.abort(error ?? CLIENT_GONE);
        callback(error);
      },
    });
    this.#respond(this.#stream);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#phase === 'collecting') this.#chunks.push(chunk);
    else if (this.#phase === 'streaming' && !this.#stream!.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    const phase = this.#phase;
    this.#phase = 'done';
    if (phase === 'streaming') this.#stream!.push(null);
    else if (phase === 'collecting' && !this.#reply.raw.destroyed) {
      this.#respond(this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks));
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    const phase = this.#phase;
    this.#phase = 'done';
    if (phase === 'streaming') return void this.#stream!.destroy(error);
    if (phase === 'collecting') return this.#context.fail(this.#request, this.#reply, 'other', error);
    if (phase === 'done' || this.#settled) return;
    const seconds = (performance.now() - this.#startedAt) / 1000;
    if (this.#reply.raw.destroyed) {
      this.#settle();
      return this.#admission.resolve();
    }
    const kind = classifyFailure(error);
    const next = this.#context.failedTry(this.#instance!, kind, seconds, this.#retry);
    if (next !== undefined) {
      this.#retry = false;
      return this.send(next);
    }
    this.#fail(kind, error);
  }

  #settle(): void {
    this.#settled = true;
    clearTimeout(this.#deadline);
  }

  #fail(kind: UpstreamFailure, error: unknown): void {
    this.#settle();
    if (kind === 'client') this.#admission.resolve();
    else this.#admission.reject(error as Error);
    this.#context.fail(this.#request, this.#reply, kind, error);
  }

  #respond(body: Buffer | Readable): void {
    const reply = this.#reply;
    copyResponseHeaders(this.#headers!, reply);
    // The client's connection cannot carry another request while its body is unread.
    if (!this.#request.raw.complete) reply.header('connection', 'close');
    reply.code(this.#statusCode).send(body);
  }
}
