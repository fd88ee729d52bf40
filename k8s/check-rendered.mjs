#!/usr/bin/env node
/**
 * Checks a rendered overlay (`kubectl kustomize k8s/overlays/<env>`) against the rules the
 * manifests promise (k8s/README.md): zero-downtime rollouts, hardened pods, no committed secret
 * values, default-deny networking. Offline and dependency-light: it needs a YAML parser, taken
 * from the repository's node_modules (`yaml` or `js-yaml`, both present after `npm ci`).
 *
 *   node k8s/check-rendered.mjs <rendered.yaml> [--production]
 *
 * Exits 1 listing every broken rule, 2 when it cannot parse at all.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [file, ...flags] = process.argv.slice(2);
if (!file) {
  console.error('usage: check-rendered.mjs <rendered.yaml> [--production]');
  process.exit(2);
}
const production = flags.includes('--production');
const NAMESPACE = 'orderly';
const APPS = ['gateway', 'auth', 'orders', 'notifications', 'reporting'];
// Env names whose value is a credential or carries one: they must come from a Secret.
const SECRET_ENV = /PASSWORD|SECRET|TOKEN|PRIVATE|^AUTH_SIGNING_KEY$|_URL$/;
// ...except these, which are plain addresses or file paths.
const PLAIN_ENV = new Set(['JWKS_URL', 'AUTH_URL', 'ORDERS_URL', 'NOTIFICATIONS_URL', 'REPORTING_URL']);

function parseAll(text) {
  const require = createRequire(new URL('../package.json', import.meta.url));
  try {
    const YAML = require('yaml');
    return YAML.parseAllDocuments(text).map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map(String).join('\n'));
      return doc.toJSON();
    });
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
  }
  return require('js-yaml').loadAll(text);
}

let docs;
try {
  docs = parseAll(readFileSync(file, 'utf8')).filter(Boolean);
} catch (error) {
  console.error(`${file}: not valid YAML: ${error.message}`);
  process.exit(2);
}

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);
const of = (kind) => docs.filter((d) => d.kind === kind);
const named = (kind, name) => docs.find((d) => d.kind === kind && d.metadata?.name === name);

for (const d of docs) {
  const where = `${d.kind ?? '?'}/${d.metadata?.name ?? '?'}`;
  if (!d.apiVersion || !d.kind || !d.metadata?.name) fail(where, 'needs apiVersion, kind and metadata.name');
  if (d.kind !== 'Namespace' && d.metadata?.namespace !== NAMESPACE) fail(where, `must be in namespace ${NAMESPACE}`);
  if (d.kind === 'Secret') fail(where, 'secret values must not be committed; create Secrets with kubectl (README.md)');
}

const configMaps = new Map(of('ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]));
for (const [name, data] of configMaps) {
  for (const key of Object.keys(data)) {
    if (SECRET_ENV.test(key) && !PLAIN_ENV.has(key)) fail(`ConfigMap/${name}`, `${key} belongs in a Secret`);
  }
}

function checkContainer(where, container, { service }) {
  const at = `${where} container ${container.name}`;
  const sc = container.securityContext ?? {};
  if (sc.allowPrivilegeEscalation !== false) fail(at, 'allowPrivilegeEscalation must be false');
  if (!(sc.capabilities?.drop ?? []).includes('ALL')) fail(at, 'must drop ALL capabilities');
  if (service && sc.readOnlyRootFilesystem !== true) fail(at, 'readOnlyRootFilesystem must be true');
  const r = container.resources ?? {};
  for (const kind of ['requests', 'limits']) {
    for (const res of ['cpu', 'memory']) if (!r[kind]?.[res]) fail(at, `resources.${kind}.${res} is missing`);
  }
  for (const env of container.env ?? []) {
    if (env.value !== undefined && SECRET_ENV.test(env.name) && !PLAIN_ENV.has(env.name)) {
      fail(at, `${env.name} has a literal value; take it from a Secret`);
    }
  }
  const image = container.image ?? '';
  const tag = image.includes('@') ? 'digest' : image.split('/').pop().split(':')[1];
  if (!tag || tag === 'latest') fail(at, `image ${image} needs a pinned tag`);
  for (const ref of container.envFrom ?? []) {
    if (ref.configMapRef && !configMaps.has(ref.configMapRef.name)) fail(at, `ConfigMap ${ref.configMapRef.name} is not rendered`);
  }
}

function podEnv(container) {
  const env = {};
  for (const ref of container.envFrom ?? []) Object.assign(env, configMaps.get(ref.configMapRef?.name) ?? {});
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

for (const name of APPS) {
  const where = `Deployment/${name}`;
  const deployment = named('Deployment', name);
  if (!deployment) {
    fail(where, 'is missing');
    continue;
  }
  const spec = deployment.spec;
  const pod = spec.template.spec;
  const container = pod.containers.find((c) => c.name === name) ?? pod.containers[0];
  const hpa = of('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === name);

  const rolling = spec.strategy?.rollingUpdate ?? {};
  if (spec.strategy?.type !== 'RollingUpdate' || rolling.maxUnavailable !== 0 || rolling.maxSurge !== 1) {
    fail(where, 'needs a RollingUpdate with maxUnavailable 0 and maxSurge 1');
  }
  if (hpa && spec.replicas !== undefined && production) fail(where, 'has replicas although an HPA owns the count');
  const floor = hpa ? hpa.spec.minReplicas : (spec.replicas ?? 1);
  if (production && floor < 2) fail(where, `runs ${floor} replica(s) in production; at least 2`);
  if (production && !of('PodDisruptionBudget').some((p) => p.spec.selector.matchLabels?.['app.kubernetes.io/name'] === name)) {
    fail(where, 'has no PodDisruptionBudget');
  }
  if (production && ['gateway', 'orders'].includes(name) && !hpa) fail(where, 'has no HorizontalPodAutoscaler');

  if (pod.securityContext?.runAsNonRoot !== true) fail(where, 'pod needs runAsNonRoot');
  if (!pod.topologySpreadConstraints?.length) fail(where, 'needs topologySpreadConstraints');
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) checkContainer(where, c, { service: true });

  const probePath = (probe) => probe?.httpGet?.path;
  if (probePath(container.readinessProbe) !== '/health/ready') fail(where, 'readinessProbe must GET /health/ready');
  if (probePath(container.livenessProbe) !== '/health/live') fail(where, 'livenessProbe must GET /health/live');
  if (!container.startupProbe) fail(where, 'needs a startupProbe');

  const env = podEnv(container);
  const drain = Number(env.SHUTDOWN_DRAIN_DELAY_MS ?? 0);
  const grace = Number(env.SHUTDOWN_GRACE_MS ?? 10_000);
  if (!(drain > 0)) fail(where, 'SHUTDOWN_DRAIN_DELAY_MS must be set so endpoints go before the listener closes');
  if (!((pod.terminationGracePeriodSeconds ?? 30) * 1000 > drain + grace)) {
    fail(where, `terminationGracePeriodSeconds must exceed SHUTDOWN_DRAIN_DELAY_MS + SHUTDOWN_GRACE_MS (${drain + grace} ms)`);
  }
  if (env.HOST !== '0.0.0.0') fail(where, 'HOST must be 0.0.0.0 to be reachable from outside the pod');
  const port = container.ports?.find((p) => p.name === 'http')?.containerPort;
  if (String(port) !== env.PORT) fail(where, `PORT (${env.PORT}) must match the http container port (${port})`);

  const service = of('Service').find((s) => s.spec.selector?.['app.kubernetes.io/name'] === name);
  if (!service) fail(where, 'has no Service');
  else if (service.spec.type !== 'ClusterIP') fail(`Service/${service.metadata.name}`, 'must be ClusterIP (the Ingress exposes the gateway)');
}

for (const job of of('Job')) {
  const pod = job.spec.template.spec;
  if (pod.securityContext?.runAsNonRoot !== true) fail(`Job/${job.metadata.name}`, 'pod needs runAsNonRoot');
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) checkContainer(`Job/${job.metadata.name}`, c, { service: true });
}

const deny = named('NetworkPolicy', 'default-deny');
if (!deny || Object.keys(deny.spec.podSelector ?? {}).length > 0 || !['Ingress', 'Egress'].every((t) => deny.spec.policyTypes?.includes(t))) {
  fail('NetworkPolicy/default-deny', 'must deny all ingress and egress of every pod');
}
for (const policy of of('NetworkPolicy')) {
  const selects = policy.spec.podSelector?.matchLabels?.['app.kubernetes.io/name'];
  const openIngress = (policy.spec.ingress ?? []).some((rule) => !rule.from);
  if (openIngress && selects !== 'gateway') fail(`NetworkPolicy/${policy.metadata.name}`, 'only the gateway may accept traffic from anywhere');
}

if (problems.length > 0) {
  console.error(`${file}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`${file}: ${docs.length} resources, all checks passed`);
