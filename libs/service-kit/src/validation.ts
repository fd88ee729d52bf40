/**
 * JSON Schema validation for requests. Bodies are validated strictly: no type coercion (a "5" is
 * not a number) and no silent stripping (unknown fields are a 400). Query strings, params and
 * headers are strings on the wire, so they are coerced.
 */
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS with a default export; normalise it for both ESM and Jest's CJS.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const common: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };

const strictAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
const coercingAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema as object);
