/** Small helpers every layer may use: a typed emitter, address checks, safe reads of JSON values, and a JSON parser that keeps positions for file:line:column errors. */
export * from './emitter';
export * from './net';
export * from './values';
export * from './jsonLocate';
export * from './origin';
export * from './terminalSafe';
