import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';

export function republishCommand(_io: CliIo): Command {
  return new Command('republish');
}
