/**
 * One exchange as an HTTP transcript, the way REST Client and Thunder Client users read HTTP: the request
 * line, a headers table and the pretty body; then the status line, latency, headers and body of the answer;
 * then what the catalog says about the body, and how the answer differs from what was received.
 *
 * Two steps, so a surface can take either: `exchangeSheet()` says what to show as data (legs of request and
 * response, issues, the answer's diff), `renderSheet()` lays it out as text and says which lines are status
 * lines and how each should be coloured. The extension shows the text in a read-only editor; the words come
 * from labels.ts, like every other surface's. Pure: no VS Code.
 */
import { STATUS_CODES } from 'node:http';
import { structuredPatch } from 'diff';
import type { Exchange } from '../hooks';
import { answerLabel, answeredBy, clock, formatLatency } from './labels';

/** How a response line is coloured: by what happened, not only by its number (a timeout's 200 is no success). */
export type StatusTone = 'success' | 'declined' | 'error' | 'timeout' | 'held' | 'aborted';

export interface SheetRequest {
  /** `POST /EchoApp/connect HTTP/1.1` */
  readonly line: string;
  /** Notes shown under the line as comments (who sent it, when). */
  readonly notes: readonly string[];
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body: string;
}

export interface SheetResponse {
  /** `HTTP/1.1 200 OK`; undefined while no answer was written (held, or the client went away). */
  readonly line?: string;
  readonly tone: StatusTone;
  /** What the status means here, who answered, the latency and the time (or why there is no answer). */
  readonly notes: readonly string[];
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body: string;
}

/**
 * One request and what came back. The hook leg is WCS → this mock; a forwarded exchange (forward mode) adds
 * a leg for this mock → the backend after it: `exchangeSheet()` builds the list, `renderSheet()` shows any.
 */
export interface SheetLeg {
  /** `WCS → hook mock` */
  readonly title: string;
  readonly request: SheetRequest;
  readonly response: SheetResponse;
}

export interface ExchangeSheet {
  /** `connect #3 · /EchoApp · held` */
  readonly title: string;
  readonly legs: readonly SheetLeg[];
  /** Validation against the catalog: one line per issue, or a line saying the body fits. */
  readonly issues: readonly string[];
  /** Received body vs the body sent, as unified-diff lines, when the answer was edited or merged. */
  readonly diff?: readonly string[];
}

/** A body longer than this many characters is cut in the sheet (the JSON view and exports keep it all). */
export const SHEET_BODY_LIMIT = 200_000;

/** The line number (0-based) and tone of each status line of a rendered sheet, for colouring it. */
export interface SheetMark {
  readonly line: number;
  readonly tone: StatusTone;
}

export interface RenderedSheet {
  readonly text: string;
  readonly marks: readonly SheetMark[];
}

/** What happened to an exchange, as a status line's colour: a timeout or shutdown answer is its own tone. */
export function statusTone(ex: Exchange): StatusTone {
  if (ex.state === 'pending') return 'held';
  if (ex.state === 'aborted' || !ex.answer) return 'aborted';
  const a = ex.answer;
  if (a.by === 'timeout' || a.by === 'shutdown') return 'timeout';
  if (a.status >= 500) return 'error';
  if (a.status >= 200 && a.status < 300) return 'success';
  return 'declined';
}

export function statusLine(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
}

/** A body as a person reads it: pretty JSON when it is JSON, else the text as it came; cut past the limit. */
export function prettyBody(text: string): string {
  let out = text;
  if (text.trim() !== '') {
    try {
      out = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Not JSON: shown as received.
    }
  }
  if (out.length <= SHEET_BODY_LIMIT) return out;
  return `${out.slice(0, SHEET_BODY_LIMIT)}\n… ${out.length - SHEET_BODY_LIMIT} more characters (Open as JSON, or Save as .http, shows all)`;
}

function headerList(headers: Readonly<Record<string, string | string[]>>): [string, string][] {
  return Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]));
}

/** The leg WCS → this mock: the hook as received and the answer as written. */
export function hookLeg(ex: Exchange): SheetLeg {
  const from = ex.remoteAddress ? ` from ${ex.remoteAddress}` : '';
  const request: SheetRequest = {
    line: `${ex.httpMethod} ${ex.url} HTTP/1.1`,
    notes: [`received ${clock(ex.receivedAt, true)}${from}`],
    headers: headerList(ex.headers),
    body: prettyBody(ex.rawBody),
  };
  return { title: 'WCS → hook mock', request, response: hookResponse(ex) };
}

function hookResponse(ex: Exchange): SheetResponse {
  const tone = statusTone(ex);
  const a = ex.answer;
  const after = ex.latencyMs !== undefined ? ` after ${formatLatency(ex.latencyMs)}` : '';
  if (ex.state === 'pending') {
    // A document is not redrawn every second: the deadline, not a countdown.
    const until = ex.holdDeadline !== undefined ? ` · the hold timeout answers at ${clock(ex.holdDeadline)}` : ' · no hold timeout';
    return { tone, notes: [`held for your answer${until}`], headers: [], body: '' };
  }
  if (!a) return { tone, notes: [`no answer: the client went away${after}`], headers: [], body: '' };
  const notes = [
    `${answerLabel(a)} · by ${answeredBy(a)} · ${formatLatency(ex.latencyMs) || 'latency unknown'} · sent ${clock(a.at, true)}`,
  ];
  if (tone === 'timeout') notes.push(`nobody answered in time: the ${answeredBy(a)} sent the fallback`);
  return { line: statusLine(a.status), tone, notes, headers: headerList(a.headers), body: prettyBody(a.body) };
}

/** Unified-diff lines of the received body vs the body sent, when the answer changed it (edited or merged). */
export function answerDiff(ex: Exchange): string[] | undefined {
  const a = ex.answer;
  if (!a || typeof a.spec !== 'object' || !('merge' in a.spec || 'body' in a.spec)) return undefined;
  const before = prettyBody(ex.rawBody);
  const after = prettyBody(a.body);
  if (before === after) return ['# the body sent is the received body'];
  const patch = structuredPatch('received', 'sent', `${before}\n`, `${after}\n`, '', '', { context: 3 });
  const out = ['--- received', '+++ sent'];
  for (const h of patch.hunks) out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
  return out;
}

function issueLines(ex: Exchange): string[] {
  if (ex.error !== undefined) return [`✗ bad body: ${ex.error}`];
  if (ex.unknownMethod) return [`? ${ex.method} is not in the catalog: only checked to be a JSON object`, ...ex.issues.map(issueLine)];
  if (ex.issues.length === 0) return [`✓ fits ${ex.method}'s body schema`];
  return ex.issues.map(issueLine);
}

function issueLine(i: { readonly path: string; readonly message: string }): string {
  return `✗ ${i.path || '(body)'}: ${i.message}`;
}

/** What to show of one exchange. `legs` is where a forwarded exchange's backend leg goes, after the hook's. */
export function exchangeSheet(ex: Exchange): ExchangeSheet {
  const state = ex.state === 'pending' ? 'held' : ex.state === 'aborted' ? 'client went away' : answerLabel(ex.answer!);
  return {
    title: [`${ex.method} #${ex.id}`, ex.app || undefined, state].filter(Boolean).join(' · '),
    legs: [hookLeg(ex)],
    issues: issueLines(ex),
    diff: answerDiff(ex),
  };
}

/** Pads header names into one column: a headers table that stays valid `Name: value` lines. */
function headerLines(headers: SheetRequest['headers']): string[] {
  const width = Math.min(28, Math.max(0, ...headers.map(([k]) => k.length + 1)));
  return headers.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`);
}

/**
 * Lays a sheet out as text. Sections start with `###` (REST Client's request separator), notes are `#`
 * comments, and each message is a start line, headers, a blank line and the body, as on the wire.
 */
export function renderSheet(sheet: ExchangeSheet): RenderedSheet {
  const lines: string[] = [];
  const marks: SheetMark[] = [];
  lines.push(`### ${sheet.title}`);
  for (const leg of sheet.legs) {
    lines.push('', `### ${leg.title}`, '', leg.request.line, ...leg.request.notes.map((n) => `# ${n}`), ...headerLines(leg.request.headers));
    if (leg.request.body !== '') lines.push('', ...leg.request.body.split('\n'));
    const r = leg.response;
    // The status line is coloured; with no answer yet, the note saying why takes its place.
    lines.push('');
    marks.push({ line: lines.length, tone: r.tone });
    if (r.line !== undefined) lines.push(r.line);
    lines.push(...r.notes.map((n) => `# ${n}`), ...headerLines(r.headers));
    if (r.body !== '') lines.push('', ...r.body.split('\n'));
  }
  lines.push('', '### Validation against the catalog', '', ...sheet.issues);
  if (sheet.diff) lines.push('', '### Received body vs the answer sent', '', ...sheet.diff);
  return { text: lines.join('\n') + '\n', marks };
}
