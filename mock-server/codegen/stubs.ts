/**
 * Handler stubs: a small backend, in the language the developer writes theirs in, that answers WCS
 * hooks the way they chose in the tree. Pure text generation (no vscode, no file system): the extension
 * opens or writes the files, tests run them.
 */
import type { AnswerSpec } from '../hooks';
import type { RestClientConfig } from '../protocol';
import { buildPlan, type StubPlan } from './plan';

export { isStubMethodName } from './plan';
import { JS_RUN_HINT, renderJavascriptNode } from './targets';
import { PHP_RUN_HINT, renderPhp } from './targets';
import { PY_RUN_HINT, renderPythonFlask } from './targets';
import { renderTypescriptExpress, renderTypescriptPackageJson, TS_RUN_HINT } from './targets';

export type StubTarget = 'typescript-express' | 'javascript-node' | 'php' | 'python-flask';

export interface StubTargetInfo {
  readonly id: StubTarget;
  readonly label: string;
  readonly description: string;
  /** VS Code language id of the entry file. */
  readonly languageId: string;
}

export const STUB_TARGETS: readonly StubTargetInfo[] = [
  {
    id: 'typescript-express', label: 'TypeScript + Express', languageId: 'typescript',
    description: 'server.ts and package.json; runs with tsx, needs express',
  },
  {
    id: 'javascript-node', label: 'JavaScript + node:http', languageId: 'javascript',
    description: 'server.js; no dependency, Node 18 or later',
  },
  {
    id: 'php', label: 'PHP (plain)', languageId: 'php',
    description: 'router.php for php -S or any front controller; routes on the last path segment',
  },
  {
    id: 'python-flask', label: 'Python + Flask', languageId: 'python',
    description: 'app.py; needs Flask (Debian: python3-flask)',
  },
];

/** A decision taken in the tree, carried into the stub as a commented condition. */
export interface StubDecision {
  readonly method: string;
  /** Top-level body fields that must all equal these values (strict types); absent: always. */
  readonly when?: Readonly<Record<string, string | number | boolean | null>>;
  readonly answer: AnswerSpec;
  readonly note?: string;
}

export interface StubOptions {
  readonly target: StubTarget;
  /** Hook methods to handle explicitly (each gets a route to edit); every other method is echoed. */
  readonly methods: readonly string[];
  /** Evaluated in order per method; the first whose `when` holds answers. */
  readonly decisions?: readonly StubDecision[];
  /** When set, the connect handler answers the received body with this `restClientConfig` added. */
  readonly connectConfig?: RestClientConfig;
  /** Informational: the path WCS should be pointed at, e.g. '/EchoApp'. */
  readonly appPath?: string;
}

export interface GeneratedFile {
  /** Relative to the folder the stub is written to. */
  readonly path: string;
  readonly content: string;
}

export interface GeneratedStub {
  readonly target: StubTarget;
  readonly files: GeneratedFile[];
  /** Path (in `files`) of the file to open first. */
  readonly entry: string;
  readonly languageId: string;
  /** One shell line that runs it, from the folder the files were written to. */
  readonly runHint: string;
}

interface Renderer {
  readonly entry: string;
  readonly runHint: string;
  render(plan: StubPlan, label: string): GeneratedFile[];
}

const RENDERERS: Record<StubTarget, Renderer> = {
  'typescript-express': {
    entry: 'server.ts',
    runHint: TS_RUN_HINT,
    render: (plan, label) => [
      { path: 'server.ts', content: renderTypescriptExpress(plan, label) },
      { path: 'package.json', content: renderTypescriptPackageJson() },
    ],
  },
  'javascript-node': {
    entry: 'server.js',
    runHint: JS_RUN_HINT,
    render: (plan, label) => [{ path: 'server.js', content: renderJavascriptNode(plan, label) }],
  },
  php: {
    entry: 'router.php',
    runHint: PHP_RUN_HINT,
    render: (plan, label) => [{ path: 'router.php', content: renderPhp(plan, label) }],
  },
  'python-flask': {
    entry: 'app.py',
    runHint: PY_RUN_HINT,
    render: (plan, label) => [{ path: 'app.py', content: renderPythonFlask(plan, label) }],
  },
};

/**
 * Generates the stub's files. Throws an Error naming the bad option (unknown target, a method name that
 * is not one path segment, a status outside 100-599, a value that is not JSON) and never emits code
 * from unchecked input.
 */
export function generateStub(options: StubOptions): GeneratedStub {
  const info = STUB_TARGETS.find((t) => t.id === options?.target);
  if (!info) {
    throw new Error(`unknown stub target ${JSON.stringify(options?.target)}; one of ${STUB_TARGETS.map((t) => t.id).join(', ')}`);
  }
  const renderer = RENDERERS[info.id];
  const plan = buildPlan(options);
  return {
    target: info.id,
    files: renderer.render(plan, info.label),
    entry: renderer.entry,
    languageId: info.languageId,
    runHint: renderer.runHint,
  };
}
