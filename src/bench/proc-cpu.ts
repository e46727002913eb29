/**
 * CPU times from /proc (Linux): per thread of this process (/proc/self/task/<tid>/stat) — where a
 * stream's work runs: the main thread, V8's helpers, libuv's pool, workers — and of its reaped children.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Clock ticks per second for /proc times (USER_HZ: 100 on every Linux ABI in use). */
export const USER_HZ = 100;

export type ThreadTimes = Map<number, { name: string; seconds: number }>;

/** The fields of a stat line after "(comm) ", from the state (field 3) on. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds of this process's children that have been waited for (cutime + cstime). */
export function childrenCpuSeconds(): number {
  const fields = statFields(readFileSync('/proc/self/stat', 'utf8'));
  return (Number(fields[13]) + Number(fields[14])) / USER_HZ; // fields 16 and 17
}

/** Each thread's CPU seconds so far; empty where /proc does not tell. */
export function threadTimes(): ThreadTimes {
  const times: ThreadTimes = new Map();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return times;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = statFields(stat);
      times.set(Number(tid), { name, seconds: (Number(fields[11]) + Number(fields[12])) / USER_HZ }); // utime, stime: fields 14, 15
    } catch {}
  }
  return times;
}

/**
 * CPU in % of one core per thread name between two readings over `wallMs` (threads of one name added
 * up; the main thread is "main", listed even when idle — the output thread leaves it little to do);
 * sorted, busiest first.
 */
export function threadPercents(before: ThreadTimes, after: ThreadTimes, wallMs: number): Record<string, number> {
  const main = mainTid();
  const byName = new Map<string, number>();
  for (const [tid, { name, seconds }] of after) {
    const key = tid === main ? 'main' : name;
    const used = seconds - (before.get(tid)?.seconds ?? 0);
    byName.set(key, (byName.get(key) ?? 0) + (used * 100000) / wallMs);
  }
  return Object.fromEntries([...byName].filter(([k, p]) => p > 0 || k === 'main').sort((a, b) => b[1] - a[1]).map(([k, p]) => [k, Math.round(p * 10) / 10]));
}

/** The main thread's id as /proc numbers it (not process.pid, which differs inside another PID namespace). */
function mainTid(): number {
  try {
    return Number(readlinkSync('/proc/self'));
  } catch {
    return process.pid;
  }
}
