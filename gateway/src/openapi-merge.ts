/**
 * One OpenAPI document for the whole public API, from each service's own `/openapi.json`. Each
 * service serves its public `/v1/...` paths itself, so its paths are already the public ones; only
 * paths under the service's gateway prefix are taken (nothing else is routed to it). Components
 * with the same name and the same content are shared; a name two services use for different
 * things is prefixed with the service (`orders.Item`) and that service's `$ref`s follow.
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether a service's part of the document is fresh, the last one fetched, or missing. */
export type DocumentState = 'available' | 'cached' | 'unavailable';

/** One service's document (null while none was ever fetched) and its state. */
export interface ServiceDocument {
  service: string;
  prefix: string;
  state: DocumentState;
  document: JsonObject | null;
}

/** The merged document's `info`. */
export interface MergedInfo {
  title: string;
  version: string;
  description: string;
}

const OPENAPI_VERSION = '3.0.3';

/** Merges the services' documents, in order; a missing one is named in `info` and `x-orderly-services`. */
export function mergeOpenApi(info: MergedInfo, services: readonly ServiceDocument[]): JsonObject {
  const paths: JsonObject = {};
  const components: Record<string, JsonObject> = {};
  const tags = new Map<string, JsonObject>();
  const states: Record<string, DocumentState> = {};

  for (const { service, prefix, state, document } of services) {
    states[service] = state;
    if (document === null) continue;
    const renamed = renameCollisions(service, objectAt(document, 'components'), components);
    const own = renamed.size === 0 ? document : (rewriteRefs(document, renamed) as JsonObject);
    for (const [path, item] of Object.entries(objectAt(own, 'paths'))) {
      if ((path === prefix || path.startsWith(`${prefix}/`)) && !(path in paths)) paths[path] = item;
    }
    for (const [section, entries] of Object.entries(objectAt(own, 'components'))) {
      for (const [name, value] of Object.entries(entries as JsonObject)) {
        const target = (components[section] ??= {});
        target[renamed.get(`#/components/${section}/${name}`)?.split('/').pop() ?? name] = value;
      }
    }
    for (const tag of Array.isArray(own.tags) ? (own.tags as JsonObject[]) : []) {
      if (typeof tag?.name === 'string' && !tags.has(tag.name)) tags.set(tag.name, tag);
    }
  }

  const missing = Object.keys(states).filter((service) => states[service] === 'unavailable');
  const note = missing.length === 0 ? '' : `\n\nUnavailable right now (not listed): ${missing.join(', ')}.`;
  return {
    openapi: OPENAPI_VERSION,
    info: { ...info, description: info.description + note },
    paths,
    components,
    tags: [...tags.values()],
    'x-orderly-services': states,
  };
}

function objectAt(value: JsonObject, key: string): JsonObject {
  const child = value[key];
  return child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as JsonObject) : {};
}

/**
 * `$ref` → new `$ref` for this service's components whose name is taken by a different value. A
 * component that refers to a renamed one differs too once its reference follows: repeat until stable.
 */
function renameCollisions(service: string, own: JsonObject, merged: Record<string, JsonObject>): Map<string, string> {
  const renamed = new Map<string, string>();
  for (let changed = true; changed; ) {
    changed = false;
    const rewritten = rewriteRefs(own, renamed) as Record<string, JsonObject>;
    for (const [section, entries] of Object.entries(rewritten)) {
      for (const [name, value] of Object.entries(entries)) {
        const ref = `#/components/${section}/${name}`;
        const taken = merged[section]?.[name];
        if (renamed.has(ref) || taken === undefined || JSON.stringify(taken) === JSON.stringify(value)) continue;
        renamed.set(ref, `#/components/${section}/${service}.${name}`);
        changed = true;
      }
    }
  }
  return renamed;
}

function rewriteRefs(value: unknown, renamed: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, renamed));
  if (value === null || typeof value !== 'object') return value;
  const copy: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    copy[key] = key === '$ref' && typeof child === 'string' ? (renamed.get(child) ?? child) : rewriteRefs(child, renamed);
  }
  return copy;
}
