// CPU seconds (user + system) of a process and its live descendants, from Linux /proc: the gateway
// with its HTTP workers (CARENET_HTTP_WORKERS), or a JVM. NaN without /proc.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100;

function fieldsOf(pid: string | number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

export function processTreeCpuSeconds(root: number): number {
  const own = fieldsOf(root);
  if (own === undefined) return Number.NaN;
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return Number.NaN;
  }
  const ticks = new Map<number, number>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = fieldsOf(entry);
    if (fields === undefined) continue;
    const pid = Number(entry);
    const parent = Number(fields[1]);
    // utime, stime, and the children that exited (cutime, cstime).
    ticks.set(pid, Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    total += ticks.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total / TICKS;
}
