/** WCS's own numbers, named once: every default that must fit WCS's timing is derived from these. */

/** WCS's `rest_request_timeout` default: how long WCS waits for a hook's answer before it gives up. */
export const WCS_REST_REQUEST_TIMEOUT_MS = 15_000;
