/** The CLI's commands, by name (cli.ts dispatches to them). */
export { COMMANDS } from './commands';
export type { Command } from './command';
