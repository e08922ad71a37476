/** Node entry of the toolkit: the protocol catalog and the hook server. */
export * from './protocol';
export * from './hooks';
