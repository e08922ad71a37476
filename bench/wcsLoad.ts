/** Placeholder until the WCS engine lands; replaced below. */
export interface WcsLoadResult {
  scenario: string;
  sessions: number;
  concurrency: number;
  results: Array<{ backend: string; sessionsPerS?: number; hooksPerS?: number; hooks?: number; failed?: number; note?: string; unavailable?: string }>;
}
export async function runWcsLoad(_o: { quick: boolean; log: (l: string) => void }): Promise<WcsLoadResult> {
  throw new Error('the WCS engine (runScenario) is not in mock-server/wcs yet');
}
