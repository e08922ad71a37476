/**
 * How a node of the hook view looks in the tree: label, description, icon, colour, contextValue and
 * tooltip, decided here as data. No `vscode` import, so every rule below is unit-tested in plain mocha;
 * the TreeDataProvider only turns the result into a TreeItem.
 */
import { explainDecline, isBlockable, lookupMethod, methodType } from '../../mock-server/protocol';
import type { Exchange } from '../../mock-server/hooks';
import {
  answerLabel, answeredBy, clock, formatLatency, keyFields, timeLeft,
  type CallNode, type ExchangeNode, type ModelNode, type MoreNode, type SessionNode, type StreamNode, type WaitingNode,
} from '../../mock-server/view';

export interface ItemPresentation {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  /** A codicon id (`pass`, `bell-dot`, …). */
  readonly iconId: string;
  /** A theme colour id (`testing.iconPassed`, …). */
  readonly colorId?: string;
  readonly contextValue: string;
  /** Markdown. Untrusted text in it is escaped. */
  readonly tooltip?: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
}

export interface PresentationContext {
  /** Epoch ms, for the time left on held exchanges. */
  readonly now: number;
  /** Formats an epoch ms as a clock time; the default is local HH:MM:SS. */
  readonly formatTime?: (ms: number) => string;
}

const CONTEXT_PREFIX = 'wcsHook:';

/** Escapes text from the wire so it shows literally in a MarkdownString. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** `wcsHook:exchange+pending+blockable+type-direct`, matched by the manifest's regex `when` clauses. */
export function exchangeContextValue(ex: Exchange, held = false): string {
  const flags = ['exchange', ex.state];
  if (isBlockable(ex.method)) flags.push('blockable');
  flags.push(`type-${ex.type}`);
  if (ex.error !== undefined) flags.push('badbody');
  if (held) flags.push('held-copy');
  return CONTEXT_PREFIX + flags.join('+');
}

function exchangeIcon(ex: Exchange): { iconId: string; colorId?: string } {
  if (ex.state === 'pending') return { iconId: 'bell-dot', colorId: 'charts.yellow' };
  if (ex.state === 'aborted') return { iconId: 'debug-disconnect', colorId: 'disabledForeground' };
  const a = ex.answer;
  if (!a) return { iconId: 'circle-outline' };
  if (a.status < 200 || a.status >= 300) return { iconId: 'circle-slash', colorId: 'testing.iconFailed' };
  if (a.by === 'timeout' || a.by === 'shutdown') return { iconId: 'history', colorId: 'charts.orange' };
  if (a.spec !== 'echo') return { iconId: 'edit', colorId: 'testing.iconPassed' };
  return { iconId: 'pass', colorId: 'testing.iconPassed' };
}

/**
 * Arrival time, latency, key fields, answer, issues — in that order: a default-width sidebar cuts the end of a
 * description off, so when it came and how long it took go first, in the compact forms of view/labels
 * ("12:00:01 · 85ms"). A held row says until when instead: a fixed time, so the row is never repainted
 * while it waits (a repaint closes its tooltip); the countdown is the view's message (countdownMessage).
 */
function exchangeDescription(ex: Exchange, ctx: PresentationContext): string {
  const parts: string[] = [];
  const time = ctx.formatTime ?? clock;
  if (ex.state === 'pending') parts.push(ex.holdDeadline !== undefined ? `held until ${time(ex.holdDeadline)}` : 'held');
  else parts.push(time(ex.receivedAt));
  if (ex.state !== 'pending' && ex.latencyMs !== undefined) parts.push(formatLatency(ex.latencyMs));
  const keys = keyFields(ex);
  if (keys) parts.push(keys);
  if (ex.state === 'aborted') parts.push('client went away');
  else if (ex.answer) parts.push(`${answerLabel(ex.answer)} (${answeredBy(ex.answer)})`);
  if (ex.error !== undefined) parts.push('bad body');
  else if (ex.issues.length > 0) parts.push(`${ex.issues.length} issue${ex.issues.length > 1 ? 's' : ''}`);
  return parts.join(' · ');
}

/**
 * The line above the tree while hooks are held: the one whose hold timeout comes first and how long is left.
 * Undefined when nothing held has a deadline. Its text changes every second; the rows do not.
 */
export function countdownMessage(held: readonly Exchange[], now: number): string | undefined {
  let first: Exchange | undefined;
  for (const ex of held) {
    if (ex.state === 'pending' && ex.holdDeadline !== undefined && (!first || ex.holdDeadline < first.holdDeadline!)) first = ex;
  }
  if (!first) return undefined;
  const others = held.length - 1;
  return `${first.method} #${first.id}: ${timeLeft(first, now)}, then the hold timeout answers it${others > 0 ? ` (${others} more held)` : ''}`;
}

/** What a 200 echo means to WCS for this method. */
function whatEchoDoes(method: string): string {
  const spec = lookupMethod(method);
  switch (methodType(method)) {
    case 'connect':
      return 'WCS accepts the session. Echo it with `restClientConfig` added to change how WCS treats the later hooks.';
    case 'direct':
    case 'incoming':
      return spec?.blocking === 'pointless'
        ? 'Acknowledged; the client has already let go.'
        : `WCS goes ahead (${escapeMarkdown(spec?.trigger ?? method)}).`;
    case 'event':
      return 'Acknowledged; nothing changes.';
    default:
      return 'Acknowledged.';
  }
}

/** Markdown: what the method is, what each answer makes WCS do, the state and any validation issues. */
export function exchangeTooltip(ex: Exchange): string {
  const spec = lookupMethod(ex.method);
  const lines: string[] = [];
  const type = spec ? spec.type : 'not in the catalog';
  lines.push(`**${escapeMarkdown(ex.method)}** · ${type}${ex.app ? ` · \`${ex.app.replace(/`/g, "'")}\`` : ''}`);
  lines.push('');
  // A deadline, not a countdown: the row is not repainted while it waits, so neither is this.
  if (ex.state === 'pending') lines.push(ex.holdDeadline !== undefined ? `Held for you until ${clock(ex.holdDeadline)}, then the hold timeout answers it.` : 'Held for you.');
  else if (ex.state === 'aborted') lines.push('The client went away before it was answered.');
  else if (ex.answer) {
    lines.push(
      `Answered **${escapeMarkdown(answerLabel(ex.answer))}** by ${answeredBy(ex.answer)}` +
        `${ex.latencyMs !== undefined ? ` after ${ex.latencyMs} ms` : ''}.`,
    );
  }
  lines.push('');
  if (spec) {
    lines.push(escapeMarkdown(spec.description));
    lines.push('');
    lines.push(`Sent on: ${escapeMarkdown(spec.trigger)}`);
    if (spec.certainty !== 'documented') lines.push(`_(${spec.certainty}: the docs are not explicit about this method)_`);
    lines.push('');
  }
  lines.push('---');
  lines.push(`- **200 (echo):** ${whatEchoDoes(ex.method)}`);
  // explainDecline opens with "403 here:" for other readers; the bullet already names the answer.
  lines.push(`- **403:** ${escapeMarkdown(explainDecline(ex.method).replace(/^403 here: /, ''))}`);
  lines.push('- **403 with reason:** the same, and WCS passes the reason on to the client.');
  if (ex.error !== undefined || ex.issues.length > 0) {
    lines.push('');
    lines.push('---');
    if (ex.error !== undefined) lines.push(`**Bad body:** ${escapeMarkdown(ex.error)}`);
    for (const i of ex.issues.slice(0, 10)) lines.push(`- \`${i.path.replace(/`/g, "'") || '(body)'}\`: ${escapeMarkdown(i.message)}`);
    if (ex.issues.length > 10) lines.push(`- … ${ex.issues.length - 10} more`);
  }
  return lines.join('\n');
}

export function presentExchange(node: ExchangeNode, ctx: PresentationContext): ItemPresentation {
  const ex = node.exchange;
  return {
    id: node.id,
    label: ex.method,
    description: exchangeDescription(ex, ctx),
    ...exchangeIcon(ex),
    contextValue: exchangeContextValue(ex, node.held),
    tooltip: exchangeTooltip(ex),
    collapsible: 'none',
  };
}

function counts(n: { total: number; pending: number }): string {
  return `${n.total} hook${n.total === 1 ? '' : 's'}${n.pending > 0 ? ` · ${n.pending} held` : ''}`;
}

function statusColor(status: string | undefined): string | undefined {
  switch (status) {
    case 'ESTABLISHED':
    case 'ACCEPTED':
    case 'PUBLISHING':
    case 'PLAYING':
      return 'testing.iconPassed';
    case 'FAILED':
    case 'REFUSED':
    case 'BUSY':
      return 'testing.iconFailed';
    case 'PENDING':
      return 'charts.yellow';
    case 'DISCONNECTED':
    case 'FINISH':
    case 'UNPUBLISHED':
    case 'STOPPED':
      return 'disabledForeground';
    default:
      return undefined;
  }
}

export function presentSession(n: SessionNode): ItemPresentation {
  const label = [n.appKey ?? 'session', n.login, n.client].filter(Boolean).join(' · ');
  const rooms = n.rooms && n.rooms.length > 0 ? `in ${n.rooms.join(', ')}` : undefined;
  return {
    id: n.id,
    label,
    description: [n.status, rooms, counts(n)].filter(Boolean).join(' · '),
    iconId: 'plug',
    colorId: statusColor(n.status),
    contextValue: `${CONTEXT_PREFIX}session${n.pending > 0 ? '+pending' : ''}`,
    tooltip: [`**Session** \`${n.sessionId.replace(/`/g, "'")}\``, '', `App key: ${escapeMarkdown(n.appKey ?? '?')}`,
      ...(n.login ? [`Login: ${escapeMarkdown(n.login)}`] : []), ...(n.rooms?.length ? [`Rooms: ${escapeMarkdown(n.rooms.join(', '))}`] : []),
      `Client: ${escapeMarkdown(n.client ?? '?')}`, `Status: ${escapeMarkdown(n.status ?? 'unknown')}`].join('\n\n'),
    collapsible: 'collapsed',
  };
}

export function presentCall(n: CallNode): ItemPresentation {
  // A hook may carry one party only: say which rather than show a bare "?".
  const label = n.caller && n.callee ? `${n.caller} → ${n.callee}`
    : n.callee ? `call to ${n.callee}` : n.caller ? `call from ${n.caller}` : `call ${n.callId}`;
  return {
    id: n.id,
    label,
    description: [n.status, counts(n)].filter(Boolean).join(' · '),
    iconId: n.incoming ? 'call-incoming' : 'call-outgoing',
    colorId: statusColor(n.status),
    contextValue: `${CONTEXT_PREFIX}call${n.pending > 0 ? '+pending' : ''}`,
    tooltip: `**${n.incoming ? 'Incoming call' : 'Call'}** \`${n.callId.replace(/`/g, "'")}\``,
    collapsible: 'collapsed',
  };
}

export function presentStream(n: StreamNode): ItemPresentation {
  const role = n.published === true ? 'published' : n.published === false ? 'played' : undefined;
  return {
    id: n.id,
    label: n.name ?? n.mediaSessionId ?? 'stream',
    description: [role, n.status, counts(n)].filter(Boolean).join(' · '),
    iconId: n.published === false ? 'play-circle' : 'broadcast',
    colorId: statusColor(n.status),
    contextValue: `${CONTEXT_PREFIX}stream${n.pending > 0 ? '+pending' : ''}`,
    tooltip: `**Stream** ${escapeMarkdown(n.name ?? '')}${n.mediaSessionId ? ` \`${n.mediaSessionId.replace(/`/g, "'")}\`` : ''}`,
    collapsible: 'collapsed',
  };
}

export function presentWaiting(n: WaitingNode): ItemPresentation {
  return {
    id: n.id,
    label: 'Waiting for you',
    description: String(n.count),
    iconId: 'bell',
    colorId: 'charts.yellow',
    contextValue: `${CONTEXT_PREFIX}waiting`,
    tooltip: 'Hooks held for your answer, oldest first. Unanswered ones get the fallback answer when the hold timeout runs out.',
    collapsible: 'expanded',
  };
}

export function presentMore(n: MoreNode): ItemPresentation {
  return {
    id: n.id,
    label: `… ${n.hidden} ${n.which === 'later' ? 'more held' : 'earlier'} hook${n.hidden === 1 ? '' : 's'}`,
    iconId: 'ellipsis',
    contextValue: `${CONTEXT_PREFIX}more`,
    tooltip: 'Only the newest hooks of each group are shown. Filter the view, or export the journal to see all.',
    collapsible: 'none',
  };
}

export function present(node: ModelNode, ctx: PresentationContext): ItemPresentation {
  switch (node.kind) {
    case 'exchange':
      return presentExchange(node, ctx);
    case 'session':
      return presentSession(node);
    case 'call':
      return presentCall(node);
    case 'stream':
      return presentStream(node);
    case 'waiting':
      return presentWaiting(node);
    case 'more':
      return presentMore(node);
  }
}
