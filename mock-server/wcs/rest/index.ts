/** The WCS REST API and the mock's control API, in-process (browser-safe). The Node server is in ./http. */
export { createWcsRestApi, REST_PREFIX, MAX_REST_BODY_BYTES, type HasSurface, type RestRequest, type RestResponse, type WcsRestApi, type WcsRestApiOptions } from './api';
export { MAX_REST_CALLS } from './restCalls';
