const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes a schema, role or database name after checking it is a plain lower-case identifier. */
export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not a plain identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** Quotes a string literal for the few statements (CREATE ROLE ... PASSWORD) that take no parameters. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
