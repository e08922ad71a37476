/** The protocol catalog: the one source of truth for WCS hook methods and their semantics. */
export * from './methods';
export * from './schemas';
export * from './samples';
export * from './restClientConfig';
export * from './errorSemantics';
export * from './validate';
export * from './sessionFacts';
export * from './timing';
export * from './answerConformance';
