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
  const keys: { -readonly [K in keyof CorrelationKeys]: string } = {};
  // Only present keys are added: `delete` would turn the object into a slow dictionary, and the log line of
  // `serve` reads these for every hook.
  const sessionId = str(body.sessionId);
  if (sessionId !== undefined) keys.sessionId = sessionId;
  const callId = str(body.callId);
  if (callId !== undefined) keys.callId = callId;
  const mediaSessionId = str(body.mediaSessionId);
  if (mediaSessionId !== undefined) keys.mediaSessionId = mediaSessionId;
  const name = str(body.name);
  if (name !== undefined) keys.name = name;
  return keys;
}
