/** Node entry of the toolkit: the protocol catalog, the hook server and the WCS mock. */
export * from './protocol';
export * from './hooks';
export * from './wcs';
