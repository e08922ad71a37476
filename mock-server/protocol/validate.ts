/**
 * Validation of hook bodies against the catalog. Issues are information for the developer, never a reason
 * to refuse a hook: a real WCS build may legitimately send a body we did not foresee.
 */
import { AnyObjectSchema } from './schemas';
import { lookupMethod } from './methods';
import { isRecord, str } from '../util';

export interface ValidationIssue {
  /** Dotted path of the field, '' for the body itself. */
  readonly path: string;
  readonly message: string;
}

/** Checks `body` against the method's schema; unknown methods only need a JSON object. */
export function validateBody(method: string, body: unknown): ValidationIssue[] {
  const schema = lookupMethod(method)?.schema ?? AnyObjectSchema;
  const result = schema.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** The ids that tie hooks of one session, call or stream together. */
export interface CorrelationKeys {
  readonly sessionId?: string;
  readonly callId?: string;
  readonly mediaSessionId?: string;
  readonly name?: string;
}

export function correlationKeys(body: unknown): CorrelationKeys {
  if (!isRecord(body)) return {};
  const b = body;
  const keys: { -readonly [K in keyof CorrelationKeys]: string | undefined } = {
    sessionId: str(b.sessionId),
    callId: str(b.callId),
    mediaSessionId: str(b.mediaSessionId),
    name: str(b.name),
  };
  for (const k of Object.keys(keys) as (keyof CorrelationKeys)[]) if (keys[k] === undefined) delete keys[k];
  return keys;
}
