/** The printed table and the markdown copy of the results. */
import os from 'node:os';
import type { ContenderResult } from '../throughput';
import type { BenchResults } from '../run';

const fmt = (x: number | undefined, d = 0): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const ratio = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}×`);

function throughputRows(rows: ContenderResult[]): string[][] {
  return rows.map((r) =>
    r.unavailable
      ? [r.label, '–', '–', '–', '–', '–', '–', '–', '–', r.unavailable]
      : [
          r.label,
          fmt(r.rps),
          ratio(r.rpsRatio),
          fmt(r.p50Ms, 2),
          ratio(r.p50Ratio),
          fmt(r.p99Ms, 2),
          ratio(r.p99Ratio),
          fmt(r.cpuUsPerRequest, 1),
          fmt(r.rssMB, 0),
          `echo ${r.echo}${r.errors || r.non2xx ? `, ${r.errors} errors, ${r.non2xx} non-2xx` : ''}`,
        ],
  );
}

const THROUGHPUT_HEAD = ['server', 'req/s', '×bare', 'p50 ms', '×bare', 'p99 ms', '×bare', 'CPU µs/req', 'RSS MB', 'notes'];

function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(head: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${head.map(esc).join(' | ')} |`, `|${head.map((_, i) => (i === 0 || i === head.length - 1 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

interface Section {
  title: string;
  head: string[];
  rows: string[][];
  notes: string[];
}

function sections(r: BenchResults): Section[] {
  const out: Section[] = [];
  if (r.serve) {
    const t = r.serve;
    const cli = t.results.find((x) => x.id === 'serve');
    out.push({
      title: `The CLI as users run it: \`serve --port 0\`, no TTY, log read from a pipe; POST ${t.path} (${t.bodyBytes}-byte OnCallEvent), ${t.connections} keep-alive connections, medians of ${t.rounds} rounds × ${t.durationS} s, ×bare paired as below`,
      head: THROUGHPUT_HEAD,
      rows: throughputRows(t.results),
      notes: [
        ...(cli?.pairedRpsRatios ? [`serve/bare per round: ${cli.pairedRpsRatios.map((x) => x.toFixed(2)).join(', ')}`] : []),
        ...(cli?.log ? [`log: ${cli.log.lines} exchange lines read from the pipe, last id #${cli.log.lastId} (${cli.log.lost} lost), ${cli.log.answered} responses counted by the load generator`] : []),
      ],
    });
  }
  if (r.throughput) {
    const t = r.throughput;
    out.push({
      title: `Auto-echo: POST ${t.path}, ${t.connections} keep-alive connections, medians of ${t.rounds} rounds × ${t.durationS} s; ×bare = median over rounds of the ratio to the two bare runs around each run`,
      head: THROUGHPUT_HEAD,
      rows: throughputRows(t.results),
      notes: (() => {
        const ours = t.results.find((x) => x.id === 'ours');
        const bare = t.results.find((x) => x.id === 'bare');
        if (!ours?.rps || !bare?.rps) return [];
        const perRound = ours.pairedRpsRatios?.map((x) => x.toFixed(2)).join(', ');
        return [`ours/bare per round: ${perRound}; ratio of the two medians (bare measured ${bare.rounds?.length ?? 0} times): ${(ours.rps / bare.rps).toFixed(2)}×`];
      })(),
    });
  }
  if (r.memory) {
    out.push({
      title: 'Memory: our server, default journal cap, after N hooks (heap measured after a forced GC)',
      head: ['hooks', 'RSS MB', 'heap MB', 'external MB', 'journal kept', 'dropped', 'req/s', 'errors'],
      rows: r.memory.points.map((p) => [String(p.hooks), fmt(p.rssMB, 1), fmt(p.heapAfterGcMB, 1), fmt(p.externalMB, 1), String(p.journalSize), String(p.journalDropped), fmt(p.rps), String(p.errors)]),
      notes: [`heap growth from first to last checkpoint: ${r.memory.heapGrowthMB} MB`],
    });
    const v = r.memory.withView;
    if (v) {
      out.push({
        title: "Memory with the extension's hook view attached (the view reads the journal; it keeps no copy)",
        head: ['hooks', 'RSS MB', 'heap MB', 'external MB', 'journal kept', 'dropped', 'req/s', 'errors'],
        rows: v.points.map((p) => [String(p.hooks), fmt(p.rssMB, 1), fmt(p.heapAfterGcMB, 1), fmt(p.externalMB, 1), String(p.journalSize), String(p.journalDropped), fmt(p.rps), String(p.errors)]),
        notes: [`heap growth from first to last checkpoint: ${v.heapGrowthMB} MB`],
      });
    }
  }
  if (r.flood) {
    const f = r.flood;
    out.push({
      title: `UI model under flood: ${f.rate} hooks/s for ${f.seconds} s into HookView (+ tree re-reads of changed nodes)`,
      head: ['hooks', 'achieved/s', 'ELD p50 ms', 'ELD p99 ms', 'ELD max ms', 'change events', 'nodes reported', 'model kept'],
      rows: [[String(f.hooks), fmt(f.achievedRate), fmt(f.eldP50Ms, 2), fmt(f.eldP99Ms, 2), fmt(f.eldMaxMs, 2), String(f.notifications), String(f.nodesReported), String(f.stats.exchanges)]],
      notes: [],
    });
  }
  if (r.wcs) {
    const w = r.wcs;
    out.push({
      title: `WCS mock as a load source: scenario "${w.scenario}", ${w.sessions} sessions after ${w.warmupSessions ?? 0} not counted, concurrency ${w.concurrency}`,
      head: ['backend', 'sessions/s', 'hooks/s', 'hooks', 'CPU µs/session', 'CPU µs/hook', 'backend CPU µs/hook', 'failed sessions', 'notes'],
      rows: w.results.map((x) =>
        x.unavailable
          ? [x.backend, '–', '–', '–', '–', '–', '–', '–', x.unavailable]
          : [x.backend, fmt(x.sessionsPerS, 1), fmt(x.hooksPerS), String(x.hooks), fmt(x.cpuUsPerSession), fmt(x.cpuUsPerHook, 1), fmt(x.backendCpuUsPerHook, 1), String(x.failed), x.note ?? ''],
      ),
      notes: [
        ...ceilingNote(w),
        ...(w.bareAutocannon ? [`the bare echo under autocannon in this section (${w.bareAutocannon.connections} connections, ${w.bareAutocannon.body}, ${w.bareAutocannon.durationS} s): ${fmt(w.bareAutocannon.rps)} req/s`] : []),
        ...(w.idle
        ? [
            `${w.idle.sessions} sessions held open (each published one stream), StreamKeepAliveEvent every ${w.idle.keepAliveMs / 1000} s to the bare echo: opened in ${w.idle.openSeconds.toFixed(1)} s; heap ${w.idle.heapMB.before.toFixed(1)} → ${w.idle.heapMB.open.toFixed(1)} MB after GC (${(w.idle.heapPerSessionBytes / 1024).toFixed(1)} KiB per idle session, client stand-in and engine together), RSS ${w.idle.rssMB.open.toFixed(0)} MB; ${w.idle.keepAliveHooks} of ${w.idle.keepAliveDue} keep-alives due in ${w.idle.windowMs / 1000} s sent, ${w.idle.keepAliveErrors} errors`,
          ]
        : []),
      ],
    });
  }
  if (r.profile) {
    const ours = r.profile.find((p) => p.server === 'ours');
    const bare = r.profile.find((p) => p.server === 'bare');
    if (ours) {
      out.push({
        title: `Profile of our server under the echo load (${ours.rps} req/s while profiling; % of busy samples)`,
        head: ['function', 'where', 'self %', 'total %'],
        rows: ours.topSelf.slice(0, 12).map((e) => [e.fn, e.where, e.selfPct.toFixed(1), e.totalPct.toFixed(1)]),
        notes: r.profile.map(
          (p) =>
            `${p.server}: ${p.cpuUsPerRequest} µs of CPU per request (user + system); profile by area: ${Object.entries(p.areas)
              .sort((a, b) => b[1] - a[1])
              .map(([a, v]) => `${a} ${v}%`)
              .join(', ')}`,
        ),
      });
      if (bare) out.at(-1)!.notes.push(`ours costs ${(ours.cpuUsPerRequest - bare.cpuUsPerRequest).toFixed(1)} µs more CPU per request than bare (${(ours.cpuUsPerRequest / bare.cpuUsPerRequest).toFixed(2)}×)`);
    }
  }
  return out;
}

export function targetLines(r: BenchResults): string[] {
  return r.targets.map((t) => `${t.met ? 'MET   ' : 'MISSED'} ${t.name}: ${t.actual}`);
}

export function renderText(r: BenchResults): string {
  const m = r.machine;
  const parts = [`wcs-hook-mock bench — ${m.date} — ${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}, load average ${m.loadAvg.start} → ${m.loadAvg.end ?? '?'}${r.quick ? ' — QUICK RUN' : ''}`];
  for (const s of sections(r)) parts.push('', s.title, textTable(s.head, s.rows), ...s.notes);
  parts.push('', 'Targets', ...targetLines(r));
  return parts.join('\n');
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const parts = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` on ${m.date}. Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGB} GB RAM, ${m.os}, Node ${m.node}${m.java ? `, ${m.java}` : ''}; commit ${m.commit ?? '?'}. Peers: ${Object.entries(m.peers).map(([k, v]) => `${k} ${v}`).join(', ') || 'none installed'}. 1-minute load average ${m.loadAvg.start} at the start, ${m.loadAvg.end ?? '?'} at the end (2 cores; other work on the machine skews every figure).`,
  ];
  for (const s of sections(r)) parts.push('', `## ${s.title}`, '', mdTable(s.head, s.rows), ...(s.notes.length ? ['', ...s.notes] : []));
  parts.push('', '## Targets', '', ...targetLines(r).map((l) => `- ${l}`), '');
  return parts.join('\n');
}

/**
 * What this machine could do at most with the measured costs: each session needs the load source's CPU and the
 * backend's CPU for its hooks, and there are only so many cores for both. A target above it cannot be met by
 * any single-process load source here, however it divides the work.
 */
function ceilingNote(w: NonNullable<BenchResults['wcs']>): string[] {
  const bare = w.results.find((x) => x.id === 'bare' || (x.id === undefined && x.backend === 'bare node:http echo'));
  if (!bare?.cpuUsPerSession || !bare.backendCpuUsPerHook || !bare.hooks) return [];
  const hooksPerSession = bare.hooks / w.sessions;
  const perSession = bare.cpuUsPerSession + bare.backendCpuUsPerHook * hooksPerSession;
  const cores = os.cpus().length;
  return [
    `CPU per session against the bare echo: ${fmt(bare.cpuUsPerSession)} µs in the load source + ${fmt(bare.backendCpuUsPerHook * hooksPerSession)} µs in the backend (${fmt(hooksPerSession, 0)} hooks); with ${cores} cores fully used by the two, this machine's ceiling is ~${fmt((cores * 1e6) / perSession)} sessions/s`,
  ];
}
