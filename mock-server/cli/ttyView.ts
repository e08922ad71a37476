/**
 * What the terminal shows, as pure functions of exchanges and time: arrival lines, answer lines, the status
 * line with held hooks and their remaining time, and which action a key means. The interactive controller
 * (ttyApp.ts) only wires these to stdin/stdout, so the presentation is unit-tested without a terminal.
 */
import type { Exchange, Policy } from '../hooks';
import { WCS_REST_REQUEST_TIMEOUT_MS } from '../protocol';
import { answerLabel, answeredBy, clock, formatLatency, keyFieldsWithIds, remainingSeconds } from '../view';
import { terminalSafe } from '../util';

export interface Style {
  readonly color: boolean;
}

const codes = { dim: [2, 22], bold: [1, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], magenta: [35, 39], inverse: [7, 27] } as const;
type Paint = keyof typeof codes;

export function paint(style: Style, what: Paint, text: string): string {
  if (!style.color) return text;
  const [on, off] = codes[what];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}

/** Visible width of a string that may contain our SGR colour codes. */
export function visibleLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

function whoAnswered(ex: Exchange): string {
  return ex.answer ? answeredBy(ex.answer, 'log') : '';
}

function answerText(style: Style, ex: Exchange): string {
  const a = ex.answer;
  if (!a) return '';
  return paint(style, a.status === 200 ? 'green' : 'red', terminalSafe(answerLabel(a, 'log')));
}

/** The line(s) shown when a hook arrives. Hooks a rule answered at once get their answer on the same line. */
export function formatArrival(ex: Exchange, style: Style, opts: { maxIssues?: number } = {}): string[] {
  const head = [
    paint(style, 'dim', clock(ex.receivedAt, true)),
    paint(style, 'bold', `#${ex.id}`),
    paint(style, 'cyan', terminalSafe(ex.method) || '(no method)'),
    paint(style, 'dim', `${ex.type}${ex.unknownMethod && ex.method ? ' (not in the catalog)' : ''}`),
    ex.app ? paint(style, 'dim', terminalSafe(ex.app)) : '',
    terminalSafe(keyFieldsWithIds(ex)),
  ].filter((s) => s !== '');
  let line = head.join(' ');
  if (ex.state === 'pending') line += ' ' + paint(style, 'yellow', 'HELD');
  else if (ex.state === 'answered') line += ` → ${answerText(style, ex)} ${paint(style, 'dim', `(${whoAnswered(ex)})`)}`;
  const lines = [line];
  if (ex.error) lines.push(`    ${paint(style, 'red', terminalSafe(ex.error))}`);
  const max = opts.maxIssues ?? 3;
  const issues = ex.issues;
  for (const i of issues.slice(0, max)) lines.push(`    ${paint(style, 'magenta', '!')} ${terminalSafe(`${i.path || '(body)'}: ${i.message}`)}`);
  if (issues.length > max) lines.push(`    ${paint(style, 'magenta', '!')} …and ${issues.length - max} more`);
  return lines;
}

/** The line shown when a held hook is answered or its client goes away. */
export function formatSettled(ex: Exchange, style: Style): string {
  const head = `${paint(style, 'dim', clock(ex.answer?.at ?? Date.now(), true))} ${paint(style, 'bold', `#${ex.id}`)} ${terminalSafe(ex.method)}`;
  if (ex.state === 'aborted') return `${head} ${paint(style, 'red', 'aborted')}: WCS closed the connection after ${formatLatency(ex.latencyMs)}`;
  return `${head} → ${answerText(style, ex)} ${paint(style, 'dim', `(${whoAnswered(ex)}, ${formatLatency(ex.latencyMs)})`)}`;
}

/** The log line for pipes and files lives with its writer (logLine.ts); re-exported for the views' tests. */
export { formatLogLine } from './logLine';

export interface StatusInput {
  readonly held: readonly Exchange[];
  readonly selectedId: string | undefined;
  readonly now: number;
  readonly policy: Policy;
  readonly width: number;
  /** A prompt replaces the key help (e.g. while typing a reason). */
  readonly prompt?: string;
}

/** The bottom line: held hooks with time left, the selected one marked, and the keys. Never wider than `width`. */
export function formatStatus(input: StatusInput, style: Style): string {
  const { held, selectedId, now, width } = input;
  if (input.prompt !== undefined) return truncate(input.prompt, width);
  if (held.length === 0) {
    return truncate(paint(style, 'dim', `no hooks held · policy ${input.policy} · m policy  ? help  q quit`), width);
  }
  const items = held.map((ex) => {
    const left = remainingSeconds(ex, now);
    const t = left === undefined ? '' : ` ${left.toFixed(0)}s`;
    const text = `#${ex.id} ${terminalSafe(ex.method)}${t}`;
    if (ex.id === selectedId) return paint(style, 'inverse', `▶${text}`);
    return left !== undefined && left < 4 ? paint(style, 'red', text) : text;
  });
  const keys = paint(style, 'dim', ' · e echo f forbid r reason d edit n/p next/prev ? help');
  const head = paint(style, 'yellow', `${held.length} held: `);
  return truncate(head + items.join('  ') + keys, width);
}

/** Cuts a string with colour codes to `width` visible characters, closing any open colour. */
export function truncate(s: string, width: number): string {
  if (visibleLength(s) <= width) return s;
  let out = '';
  let seen = 0;
  for (let i = 0; i < s.length; ) {
    const m = /^\x1b\[[0-9;]*m/.exec(s.slice(i));
    if (m) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    if (seen >= width - 1) break;
    out += s[i];
    seen++;
    i++;
  }
  return out + '…' + (s.includes('\x1b[') ? '\x1b[0m' : '');
}

export const HELP_LINES = [
  'Keys (act on the selected held hook, marked ▶):',
  '  e  echo: 200 with the received body        f  forbid: 403, empty body',
  '  r  forbid with a reason WCS shows the client ({"status":403,"reason":"…"})',
  '  d  edit the body in $EDITOR, then send it with 200 (E works too)',
  '  n/p or ↓/↑  select the next/previous held hook    a  echo every held hook',
  '  m  switch policy: hold-blockable → hold-all (step through everything) → echo-all',
  '  ?  this help    q or Ctrl-C  quit (held hooks get the fallback answer first)',
  `A held hook is answered automatically when its time runs out (WCS gives up at ${WCS_REST_REQUEST_TIMEOUT_MS / 1000} s).`,
];

export type KeyAction =
  | { readonly kind: 'answer'; readonly answer: 'echo' | 'forbid' }
  | { readonly kind: 'reason' }
  | { readonly kind: 'edit' }
  | { readonly kind: 'select'; readonly delta: 1 | -1 }
  | { readonly kind: 'echoAll' }
  | { readonly kind: 'cyclePolicy' }
  | { readonly kind: 'help' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'none' };

/** The action of a key pressed in the main mode (raw-mode input, one key per call). */
export function keyAction(key: string): KeyAction {
  switch (key) {
    case 'e':
      return { kind: 'answer', answer: 'echo' };
    case 'f':
      return { kind: 'answer', answer: 'forbid' };
    case 'r':
      return { kind: 'reason' };
    case 'd':
    case 'E':
      return { kind: 'edit' };
    case 'n':
    case 'j':
    case '\x1b[B':
    case '\t':
      return { kind: 'select', delta: 1 };
    case 'p':
    case 'k':
    case '\x1b[A':
      return { kind: 'select', delta: -1 };
    case 'a':
      return { kind: 'echoAll' };
    case 'm':
      return { kind: 'cyclePolicy' };
    case '?':
    case 'h':
      return { kind: 'help' };
    case 'q':
    case '\x03':
    case '\x04':
      return { kind: 'quit' };
    default:
      return { kind: 'none' };
  }
}

export function nextPolicy(p: Policy): Policy {
  return p === 'hold-blockable' ? 'hold-all' : p === 'hold-all' ? 'echo-all' : 'hold-blockable';
}

/**
 * The selection after held hooks come and go or the user moves: stays on the same hook while it is held,
 * otherwise falls to the oldest one; moving wraps around.
 */
export function select(heldIds: readonly string[], current: string | undefined, delta: 0 | 1 | -1 = 0): string | undefined {
  if (heldIds.length === 0) return undefined;
  const at = current === undefined ? -1 : heldIds.indexOf(current);
  if (at < 0) return heldIds[0];
  const n = heldIds.length;
  return heldIds[(((at + delta) % n) + n) % n];
}

/**
 * Splits one chunk of raw terminal input into keys. A chunk can hold several (fast typing, paste, or a
 * pseudo-terminal that batches), and an escape sequence (arrows) must stay one key.
 */
export function splitKeys(chunk: string): string[] {
  const keys: string[] = [];
  const re = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1bO.|\x1b|[\s\S]/gu;
  for (const m of chunk.matchAll(re)) keys.push(m[0]);
  return keys;
}

export interface LineEdit {
  readonly text: string;
  readonly done?: 'submit' | 'cancel';
}

/** Editing the one-line reason prompt in raw mode: printable keys append, backspace deletes, Enter/Esc end. */
export function editLine(state: string, key: string): LineEdit {
  if (key === '\r' || key === '\n') return { text: state, done: 'submit' };
  if (key === '\x1b' || key === '\x03') return { text: state, done: 'cancel' };
  if (key === '\x7f' || key === '\b') return { text: [...state].slice(0, -1).join('') };
  if (key === '\x15') return { text: '' }; // Ctrl-U
  if (key.startsWith('\x1b')) return { text: state }; // arrows and other escape sequences
  // Pasted text arrives as one chunk; keep its printable characters, drop control characters.
  return { text: state + key.replace(/[\x00-\x1f\x7f]/g, '') };
}
