/** The session/call/stream grouping of exchanges that UIs render (the extension's tree, benchmarks). */
export * from './nodes';
export * from './model';
