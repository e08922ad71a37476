/** Exchanges as the hook server would report them, built from a method and a body. */
import type { Exchange, SentAnswer, AnswerSpec, AnsweredBy } from '../../../mock-server/hooks';
import { correlationKeys, methodType, lookupMethod, sampleBody, validateBody } from '../../../mock-server/protocol';

let next = 0;

export function exchange(method: string, body: unknown = sampleBody(method), over: Partial<Exchange> = {}): Exchange {
  const id = over.id ?? String(++next);
  const rawBody = JSON.stringify(body);
  const { issues: givenIssues, ...rest } = over;
  let issues: Exchange['issues'] | undefined = givenIssues;
  const ex: Exchange = {
    id,
    receivedAt: 1_700_000_000_000 + Number(id),
    app: '/EchoApp',
    method,
    type: methodType(method),
    unknownMethod: !lookupMethod(method),
    httpMethod: 'POST',
    url: `/EchoApp/${method}`,
    headers: { 'content-type': 'application/json' },
    rawBody,
    body,
    // Validated on first read, as the hook server does: most tests never look, and zod is the costly part.
    get issues() {
      return (issues ??= validateBody(method, body));
    },
    keys: correlationKeys(body),
    state: 'pending',
  };
  return Object.assign(ex, rest);
}

export function answered(ex: Exchange, spec: AnswerSpec = 'echo', by: AnsweredBy = 'developer', status?: number): Exchange {
  const s = status ?? (spec === 'echo' ? 200 : spec === 'forbid' ? 403 : typeof spec === 'object' ? spec.status : 200);
  const answer: SentAnswer = { status: s, headers: {}, body: spec === 'echo' ? ex.rawBody : '', spec, by, at: ex.receivedAt + 5 };
  // A copy that keeps the lazy `issues` getter (a spread would validate every body).
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(ex)) as Exchange;
  return Object.assign(copy, { state: 'answered' as const, answer, latencyMs: 5, holdDeadline: undefined });
}
