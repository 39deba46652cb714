import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';

export function dlqCommand(_io: CliIo): Command {
  return new Command('dlq');
}
