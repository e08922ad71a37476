/** Node entry of the WCS mock: the engine, its backends, scenarios, conformance checks and transports. */
import { setDefaultHookTransport as useTransport } from './backend';
import { pooledHookTransport as pooled } from './nodeTransport';

export * from './engine';
export { deliverHook, customReason, failureInfo, hookHeaders, hookUrl, reasonPhrase, setDefaultHookTransport, type DeliveryFailure, type HandlerBackend, type HookTransport, type TransportRequest, type TransportResult, type UrlBackend } from './backend';
export { serializeHookBody } from './hookJson';
export { HOOK_CONNECTIONS_PER_BACKEND, pooledHookTransport, type PooledHookTransport, type PooledTransportOptions } from './nodeTransport';
export { hmacMd5, hmacMd5Hex, md5 } from './md5';
export { chooseFarEnd, finalAnswer, sipReason, type FarEndAction as FarEnd } from './farEnd';
export { formatLogEntry as formatWcsLogEntry, type WcsLogKind } from './log';
export { ScriptedClient, type ConnectOptions, type ConnectResult, type ServerFrame, type StatusResult } from './scriptedClient';
export { SCENARIOS, SCENARIO_SUMMARIES, ScenarioRun, isScenario, runScenario, type ScenarioName, type ScenarioOptions, type ScenarioResult, type ScenarioRunOptions, type SessionOutcome, type SessionTranscript } from './scenarios';
export { checkBackend, formatReport, toJUnit, PROBE_FIELD, UNKNOWN_METHOD_PROBE, type CheckStatus, type ConformanceCheck, type ConformanceOptions, type ConformanceReport } from './conformance';
export { synthesizeAnswer, synthesizeOffer, type AnswerOptions, type OfferOptions, type SdpDirection } from './sdp';
export { LoopbackMedia, SyntheticMedia, loopbackAvailable, resolveMediaPlane, testPattern, type LoopbackMediaOptions, type MediaAnswerRequest, type MediaLegKind, type MediaMode, type MediaOfferRequest, type MediaPlane, type TestPattern } from './media';
export { WcsFaults, FaultSpecSchema, STREAM_EVENT_TYPES, STREAM_FAILURE_INFO, breakAnswer, type BreakableAnswer, type FaultHost, type FaultResult, type FaultSpec } from './faults';
export { installWcsMock, type InstallWcsMockOptions, type InstalledWcsMock } from './mockSocket';
export { startWcsServer, DEFAULT_WCS_WS_PORT, type StartWcsServerOptions, type WcsServer } from './wsServer';
export { createWcsRestApi, REST_PREFIX, MAX_REST_BODY_BYTES, MAX_REST_CALLS, type RestRequest, type RestResponse, type WcsRestApi, type WcsRestApiOptions } from './rest';
export { startRestServer, restRequestHandler, DEFAULT_REST_PORT, type RestServer, type StartRestServerOptions } from './restServer';
export * from './control';
export { AppsConfigSchema, DEFAULT_APPS, unknownAppInfo, type AppsConfig, type WcsApp } from './apps';

// In Node (this entry; the browser bundle starts from browser.ts and never gets here) hooks go over a
// keep-alive connection pool per backend unless a caller passes its own `fetch` or `hookTransport`.
useTransport(pooled());
