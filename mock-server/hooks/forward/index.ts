/** Forward mode: hooks sent on to the developer's own backend, and its answers back to WCS. */
export * from './leg';
export { backendHeaders, headerRecord, type OutgoingHeaders } from './headers';
export { ForwardClient, DEFAULT_FORWARD_SOCKETS, failureKind, type BackendResult, type SentRequest } from './client';
export { backendWire, Forwarder, forwardUrl, type BackendReply, type ForwardHost, type ForwardOptions, type ForwardRun } from './forwarder';
export { answerDifferences, replayJournal, type ReplayOptions, type ReplayOutcome, type ReplayReport, type ReplayResult } from './replay';
