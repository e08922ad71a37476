/** The WCS mock's media planes: synthetic SDP (anywhere) and loopback media (in a page). */
export { SyntheticMedia, resolveMediaPlane, type MediaAnswerRequest, type MediaLegKind, type MediaMode, type MediaOfferRequest, type MediaPlane, type SyntheticMediaOptions } from './plane';
export { LoopbackMedia, loopbackAvailable, type LoopbackMediaOptions } from './loopback';
export { testPattern, type TestPattern } from './pattern';
