import { randomBytes } from 'node:crypto';

/** A short unique name for this test's resources, e.g. `test_3f9a1c2b`. */
export function uniqueTestName(prefix = 'test'): string {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  assertTestName(name);
  return name;
}

/** Refuses to let a test touch a database, schema, queue or key prefix whose name lacks `test`. */
export function assertTestName(name: string): void {
  if (!/test/i.test(name)) {
    throw new Error(`Refusing to run tests against "${name}": test resources must have "test" in their name`);
  }
}
