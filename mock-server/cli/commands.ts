/** The CLI's commands. Each lives in its own module and returns its exit code. */
import { checkCommand } from './check';
import type { Command } from './command';
import { ctlCommand } from './ctl';
import { serveCommand } from './serve';
import { triggerCommand } from './trigger';
import { wcsCommand } from './wcs';

export const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  trigger: triggerCommand,
  check: checkCommand,
  wcs: wcsCommand,
  ctl: ctlCommand,
};
