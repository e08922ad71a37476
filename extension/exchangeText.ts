/**
 * The text form of an exchange for editors: the read-only JSON document a click opens (the answer draft is
 * in answerDraft.ts). No `vscode` import: unit-tested in plain mocha.
 */
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
