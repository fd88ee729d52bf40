/**
 * Prepares the development database: creates it when missing, then gives every service its own
 * schema and login role (`auth` → `orderly_auth`, with the development password `orderly_auth`).
 */
import { bootstrapServiceSchema, ensureDatabase, serviceUrl, type ServiceDatabase } from '@orderly/postgres';

/** The development schema, role and password of a service. */
export function serviceDatabase(schema: string): ServiceDatabase {
  const role = `orderly_${schema}`;
  return { schema, role, password: role };
}

/** The admin URL pointed at `database` instead of the database it names. */
export function adminUrlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Creates `database` if needed and bootstraps each schema; returns each schema's DATABASE_URL
 * (its own role on that database). Idempotent.
 */
export async function prepareDatabase(
  adminUrl: string,
  database: string,
  schemas: readonly string[],
): Promise<Record<string, string>> {
  await ensureDatabase(adminUrl, database);
  const databaseAdminUrl = adminUrlFor(adminUrl, database);
  const urls: Record<string, string> = {};
  for (const schema of schemas) {
    const target = serviceDatabase(schema);
    await bootstrapServiceSchema(databaseAdminUrl, target);
    urls[schema] = serviceUrl(databaseAdminUrl, target);
  }
  return urls;
}
