/** Small helpers every layer may use: a typed emitter, address checks, and safe reads of JSON values. */
export * from './emitter';
export * from './net';
export * from './values';
