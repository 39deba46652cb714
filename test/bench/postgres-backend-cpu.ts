// The CPU time of a PostgreSQL cluster (Linux /proc): what the server spends on a phase's
// statements, beside the Node processes' own CPU. The postmaster and its live children (backends,
// autovacuum, WAL writer…), plus the children that exited (the postmaster's cutime/cstime): a
// pool's connections may close and reopen during a run. Meant for the throwaway cluster of the
// benchmark run, where nothing else runs.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS = 100;

/** The fields of /proc/<pid>/stat after the command name (field 3, the state, is index 0). */
function statOf(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The postmaster of a backend (its parent), given the backend's pid (`pg_backend_pid()`). */
export function postmasterOf(backendPid: number): number | undefined {
  const ppid = Number(statOf(backendPid)?.[1]);
  return Number.isInteger(ppid) && ppid > 1 ? ppid : undefined;
}

/** CPU seconds (user + system) used so far by the cluster of `postmaster`; NaN without /proc. */
export function postgresClusterCpuSeconds(postmaster: number | undefined): number {
  if (postmaster === undefined) return Number.NaN;
  const own = statOf(postmaster);
  if (own === undefined) return Number.NaN;
  // utime, stime, cutime, cstime: fields 14 to 17.
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return Number.NaN;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    const fields = statOf(pid);
    if (fields === undefined || Number(fields[1]) !== postmaster) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS;
}
