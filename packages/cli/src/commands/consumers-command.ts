import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';

export function consumersCommand(_io: CliIo): Command {
  return new Command('consumers');
}
