/** The CLI's commands. Each lives in its own module and returns its exit code. */
export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {};
