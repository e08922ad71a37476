/**
 * The hook view: a projection of the hook server's journal into sessions → calls / streams → exchanges,
 * with filters, caps and batched change events. The extension's tree renders it; it keeps no exchanges.
 */
export * from './nodes';
export { HookView, type HookViewEvents, type HookViewOptions } from './hookView';
export type { ExchangeSource, JournalReader } from './entries';
export * from './labels';
export * from './httpSheet';
