/** `wcs-hook-mock/artillery`: the Artillery engine for WCS scenarios (the `artillery-engine-wcs` package loads it). */
export { ArtilleryWcsEngine, type ArtilleryEvents, type WcsEngineConfig, type WcsFlowStep } from './engine';
