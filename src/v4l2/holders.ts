/** Which processes hold a device node open, found the way fuser does: through /proc/PID/fd links. */
import type { System } from './system.js';

export interface Holder {
  pid: number;
  command: string;
}

export function holdersOf(path: string, sys: System): Holder[] {
  const found: Holder[] = [];
  let pids: string[];
  try {
    pids = sys.readdir('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  for (const pid of pids) {
    if (Number(pid) === sys.pid) continue;
    let fds: string[];
    try {
      fds = sys.readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to see
    }
    if (fds.some((fd) => safely(() => sys.readlink(`/proc/${pid}/fd/${fd}`)) === path)) {
      found.push({ pid: Number(pid), command: safely(() => sys.readFile(`/proc/${pid}/comm`).trim()) ?? '?' });
    }
  }
  return found;
}

/** " (held by ffmpeg, pid 1234)" for messages, or "" when nobody visible holds it. */
export function describeHolders(holders: Holder[]): string {
  if (holders.length === 0) return '';
  return ` (held by ${holders.map((h) => `${h.command}, pid ${h.pid}`).join('; ')})`;
}

function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
