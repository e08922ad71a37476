/** The CLI's commands. Each lives in its own module and returns its exit code. */
import { serveCommand } from './serve';

export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
};
