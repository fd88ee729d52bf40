/**
 * The opaque `?cursor=` of order lists: the (createdAt, id) of the last order of the previous page,
 * base64url-encoded. Clients must not build cursors; a malformed one is a 400.
 */
import { AppError } from '@orderly/service-kit';

export interface OrderCursor {
  createdAt: string;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): OrderCursor {
  const parsed = parseJson(Buffer.from(value, 'base64url').toString('utf8'));
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [createdAt, id] = parsed as unknown[];
    if (typeof createdAt === 'string' && isCanonicalTimestamp(createdAt) && typeof id === 'string' && UUID.test(id)) {
      return { createdAt, id };
    }
  }
  throw new AppError(400, 'invalid-cursor', 'The cursor is not one this service issued.');
}

// Round-tripping through Date also refuses impossible dates such as February 30.
function isCanonicalTimestamp(value: string): boolean {
  return TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString() === value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
