/**
 * The answer draft of "Edit and answer": its first text, the problems in what was typed (each with the
 * offsets of the text it is about, for an editor's diagnostics), and what the line above the draft says.
 * No `vscode` import: unit-tested in plain mocha.
 */
import type { Exchange } from '../mock-server/hooks';
import { RestClientConfigSchema, validateBody } from '../mock-server/protocol';
import { JsonSyntaxError, parseJsonLocated, pathKey, type LocatedJson } from '../mock-server/util';
import { answerLabel, answeredBy, coarseTimeLeft, remainingSeconds } from '../mock-server/view';
import { tokenEnd } from './jsonSpan';

/**
 * The draft an editor opens with: the echo body, pretty-printed (the raw text when it is not JSON); for a
 * backend answer held at a forward breakpoint, that answer, so an edit starts from what the backend said.
 */
export function answerDraft(ex: Exchange): string {
  const held = ex.forward?.stage === 'after' ? ex.forward.response?.body : undefined;
  if (held !== undefined) return prettyOrRaw(held);
  return ex.body !== undefined ? JSON.stringify(ex.body, null, 2) + '\n' : ex.rawBody;
}

function prettyOrRaw(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2) + '\n';
  } catch {
    return text;
  }
}

export interface DraftProblem {
  /** An error stops the answer from being sent; a warning does not. */
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Offsets into the text: what to underline. */
  readonly start: number;
  readonly end: number;
}

export interface DraftCheck {
  /** No errors: saving sends the text as typed. */
  readonly ok: boolean;
  readonly problems: readonly DraftProblem[];
}

/** Schema issues shown per draft: a wholly wrong body would otherwise list every field. */
const MAX_SCHEMA_PROBLEMS = 20;

/**
 * Checks an edited answer: it must be JSON, fit the method's body schema (WCS reads the answer as the same
 * object), and for connect any `restClientConfig` must be one WCS understands. A key typed twice is a warning:
 * the text is sent as typed, and which of the two WCS keeps is not known.
 */
export function checkDraft(method: string, text: string): DraftCheck {
  let located: LocatedJson;
  try {
    located = parseJsonLocated(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const at = err.position.offset;
    return { ok: false, problems: [{ severity: 'error', message: `Not valid JSON: ${err.message}`, start: at, end: tokenEnd(text, at) }] };
  }
  const problems: DraftProblem[] = [];
  const body = located.value;
  const issues = validateBody(method, body).map((i) => ({ path: i.path === '' ? [] : i.path.split('.'), message: i.message }));
  if (method === 'connect' && body !== null && typeof body === 'object' && 'restClientConfig' in body) {
    const r = RestClientConfigSchema.safeParse((body as { restClientConfig: unknown }).restClientConfig);
    if (!r.success) {
      for (const i of r.error.issues) issues.push({ path: ['restClientConfig', ...i.path.map(String)], message: i.message });
    }
  }
  for (const i of issues.slice(0, MAX_SCHEMA_PROBLEMS)) {
    const { start, end } = spanOf(located, text, i.path);
    const where = i.path.length > 0 ? i.path.join('.') : 'the body';
    problems.push({ severity: 'error', message: `Does not fit ${method}: ${where}: ${i.message}`, start, end });
  }
  if (issues.length > MAX_SCHEMA_PROBLEMS) {
    problems.push({ severity: 'error', message: `…and ${issues.length - MAX_SCHEMA_PROBLEMS} more schema problems`, start: 0, end: 0 });
  }
  for (const d of located.duplicates) {
    const key = String(d.path[d.path.length - 1]);
    problems.push({
      severity: 'warning',
      message: `"${key}" is typed twice in this object. It is sent as typed; JSON readers usually keep the last one, but not all do.`,
      start: d.start,
      end: d.end,
    });
  }
  return { ok: !problems.some((p) => p.severity === 'error'), problems };
}

/** The text at a path, or of the closest enclosing value that exists (a missing field's object). */
function spanOf(located: LocatedJson, text: string, path: readonly string[]): { start: number; end: number } {
  for (let n = path.length; n >= 0; n--) {
    const k = pathKey(path.slice(0, n));
    const pos = located.positions.get(k);
    if (!pos) continue;
    const end = located.ends.get(k) ?? pos.offset + 1;
    // A missing field is reported on its object: underline only the opening line, not a whole page of JSON.
    if (n < path.length) {
      const nl = text.indexOf('\n', pos.offset);
      return { start: pos.offset, end: Math.min(end, nl < 0 ? end : nl) };
    }
    return { start: pos.offset, end };
  }
  return { start: 0, end: 0 };
}

/** What the line above the draft says: what saving does, how long is left, or why it does nothing now. */
export interface DraftBanner {
  /** The main text ("Save sends 200 · 9 s left", "… · 14 min left"). */
  readonly text: string;
  /** Whether saving would send (the hook is still held). */
  readonly live: boolean;
}

export function draftBanner(ex: Exchange | undefined, check: DraftCheck | undefined, now: number): DraftBanner {
  if (!ex) return { text: 'This hook is no longer in memory: saving sends nothing', live: false };
  if (ex.state === 'aborted') return { text: 'WCS closed the connection: saving sends nothing', live: false };
  if (ex.state !== 'pending') {
    const how = ex.answer ? `${answerLabel(ex.answer)} by ${answeredBy(ex.answer)}` : 'answered';
    return { text: `Already answered (${how}): saving sends nothing`, live: false };
  }
  const left = remainingSeconds(ex, now);
  const time = left === undefined ? 'no time limit' : coarseTimeLeft(left);
  const errors = check?.problems.filter((p) => p.severity === 'error').length ?? 0;
  if (errors > 0) return { text: `Fix ${errors} problem${errors === 1 ? '' : 's'} to send · ${time}`, live: true };
  return { text: `Save sends 200 · ${time}`, live: true };
}
