/**
 * Text forms of an exchange for editors: the read-only JSON document a click opens, and the answer draft
 * "Edit and answer" opens and checks on save. No `vscode` import: unit-tested in plain mocha.
 */
import { RestClientConfigSchema, validateBody } from '../mock-server/protocol';
import type { Exchange } from '../mock-server/hooks';

function parsedOrText(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Everything known about one exchange, as pretty JSON: request, validation issues and the answer. */
export function exchangeDocument(ex: Exchange): string {
  const doc = {
    id: ex.id,
    method: ex.method,
    type: ex.type,
    app: ex.app,
    state: ex.state,
    receivedAt: new Date(ex.receivedAt).toISOString(),
    request: {
      method: ex.httpMethod,
      url: ex.url,
      remoteAddress: ex.remoteAddress,
      headers: ex.headers,
      body: ex.body !== undefined ? ex.body : ex.rawBody,
    },
    // Forward mode: what the backend got and answered, between what WCS sent and what WCS got.
    ...(ex.forward
      ? {
          backend: {
            stage: ex.forward.stage,
            request: ex.forward.request && { url: ex.forward.request.url, headers: ex.forward.request.headers, ...(ex.forward.request.body !== undefined ? { editedBody: parsedOrText(ex.forward.request.body) } : {}) },
            answer: ex.forward.response && { status: ex.forward.response.status, latencyMs: ex.forward.response.latencyMs, headers: ex.forward.response.headers, body: parsedOrText(ex.forward.response.body) },
            ...(ex.forward.failure ? { failure: ex.forward.failure } : {}),
            ...(ex.forward.warnings ? { warnings: ex.forward.warnings } : {}),
          },
        }
      : {}),
    ...(ex.error !== undefined ? { error: ex.error } : {}),
    issues: ex.issues,
    answer: ex.answer
      ? {
          status: ex.answer.status,
          by: ex.answer.by,
          ...(ex.answer.ruleIndex !== undefined ? { rule: ex.answer.ruleIndex + 1 } : {}),
          spec: ex.answer.spec,
          latencyMs: ex.latencyMs,
          headers: ex.answer.headers,
          body: parsedOrText(ex.answer.body),
        }
      : null,
    ...(ex.state === 'pending' && ex.holdDeadline !== undefined ? { holdDeadline: new Date(ex.holdDeadline).toISOString() } : {}),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * The answer draft: the echo body, pretty-printed (the raw text when it is not JSON); for a backend answer
 * held at a forward breakpoint, that answer, so an edit starts from what the backend said.
 */
export function answerDraft(ex: Exchange): string {
  const held = ex.forward?.stage === 'after' ? ex.forward.response?.body : undefined;
  if (held !== undefined) {
    const parsed = parsedOrText(held);
    return typeof parsed === 'string' ? held : JSON.stringify(parsed, null, 2) + '\n';
  }
  return ex.body !== undefined ? JSON.stringify(ex.body, null, 2) + '\n' : ex.rawBody;
}

export type DraftCheck = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly message: string };

/**
 * Checks an edited answer before anything is sent: it must be JSON, fit the method's body schema (WCS reads
 * the answer as the same object), and for connect any `restClientConfig` must be one WCS understands.
 */
export function checkAnswerDraft(method: string, text: string): DraftCheck {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `The answer is not valid JSON: ${(err as Error).message}` };
  }
  const issues = validateBody(method, body);
  if (issues.length > 0) {
    const list = issues.slice(0, 5).map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
    return { ok: false, message: `The answer does not fit ${method}'s body: ${list}` };
  }
  if (method === 'connect' && body !== null && typeof body === 'object' && 'restClientConfig' in body) {
    const r = RestClientConfigSchema.safeParse((body as { restClientConfig: unknown }).restClientConfig);
    if (!r.success) {
      const i = r.error.issues[0];
      return { ok: false, message: `restClientConfig.${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'}` };
    }
  }
  return { ok: true, body };
}
