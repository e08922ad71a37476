/** The mock's control API: its request/answer shapes and `WcsMockClient` for tests in another process. */
export * from './types';
export { WcsMockClient, WcsMockError, WcsMockUnreachableError, type RestCallResult, type WcsMockClientOptions } from './client';
