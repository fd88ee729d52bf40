import path from 'node:path';
import pino from 'pino';
import { createServiceTestDatabase, type TestDatabase } from '@orderly/testing';
import type { ServiceApp } from '@orderly/service-kit';
import { buildApp } from './app.ts';
import { loadNotificationsConfig } from './config.ts';
import { closeDeps, createDeps, type NotificationsDeps } from './deps.ts';

let db: TestDatabase;
let deps: NotificationsDeps;
let service: ServiceApp;

beforeAll(async () => {
  const created = await createServiceTestDatabase('notifications', path.join(__dirname, '..', 'migrations'));
  db = created.db;
  const config = loadNotificationsConfig({ DATABASE_URL: created.url });
  deps = createDeps(config, pino({ level: 'silent' }));
  service = await buildApp(deps, { logLevel: 'silent', version: 'test' });
  service.lifecycle.started = true;
});

afterAll(async () => {
  await service.app.close();
  await closeDeps(deps);
  await db.drop();
});

describe('notifications service app', () => {
  it('when its dependencies answer, then it is live and ready', async () => {
    expect((await service.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const ready = await service.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json()).toEqual({ status: 'ready', checks: { postgres: 'up' } });
    expect(ready.statusCode).toBe(200);
  });

  it('when scraped, then it serves Prometheus metrics and its OpenAPI document', async () => {
    const metrics = await service.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('process_cpu_seconds_total');
    const openapi = await service.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(openapi.json().info.title).toBe('Orderly notifications');
  });

  it('when draining, then readiness answers 503', async () => {
    service.lifecycle.draining = true;
    expect((await service.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    service.lifecycle.draining = false;
  });
});
