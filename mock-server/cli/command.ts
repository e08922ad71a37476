/** What every CLI command is: a one-line summary for the top-level usage, and a run that returns the exit code. */
export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}
