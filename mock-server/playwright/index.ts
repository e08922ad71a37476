/**
 * `wcs-hook-mock/playwright`: Playwright's `test` and `expect` with a `wcs` fixture (see fixture.ts).
 * Built to dist/playwright.{js,mjs}; the engine comes from the package's main entry at run time, so a test
 * that also imports `wcs-hook-mock` shares its classes with the fixture.
 */
export { expect } from '@playwright/test';
export {
  test,
  createWcsFixture,
  type WcsFixture,
  type WcsFixtureOptions,
  type WcsHook,
  type WaitForHookOptions,
  type WcsTestFixtures,
  type WcsTestOptions,
  type WebSocketUrlMatcher,
} from './fixture';
