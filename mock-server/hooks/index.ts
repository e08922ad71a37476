/** The hook server's public API. */
export * from './types';
export * from './server';
export * from './rules';
export * from './answer';
export * from './journal';
export * from './export';
export { ExchangeRecord, headersFromRaw } from './exchange';
export * from './auth';
export * from './forward';
export { splitHookPath, type HookPath } from './path';
export { JsonSyntaxError, parseJsonLocated, pathKey, positionAt, type LocatedJson, type TextPosition } from '../util';
