/**
 * Real-time scheduling for the output thread, where the system permits it (root, CAP_SYS_NICE, or an
 * rtprio limit such as an audio group's) — as PipeWire and JACK run their data threads. Why: a normal
 * thread woken at its deadline can wait a whole scheduler slice (≈ 3 ms measured here) behind the
 * producer's thread when the kernel queues it on the producer's core; a real-time thread takes the core
 * at once. Round-robin at the lowest real-time priority: above every normal thread, below the system's
 * own real-time work; children do not inherit it. Where it is not permitted, or on a single core, the
 * thread stays normal.
 */
import { readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';


/** What the output thread runs as. */
export type Scheduling = 'realtime' | 'normal';

export const SCHEDULING: readonly Scheduling[] = ['realtime', 'normal'];

/**
 * Makes the calling thread real-time if permitted; says what it runs as. Node has no call for it, so
 * util-linux's `chrt` asks the kernel (once per process, ≈ 2 ms, before the thread takes any stream).
 */
export function tryRealtime(): Scheduling {
  // On one core a real-time writer that falls behind (a slow device, an emulated CPU) would leave the
  // producer only the kernel's 5 % real-time slack; with two or more it can take at most one of them.
  if (process.platform !== 'linux' || process.env.LOOPCAM_REALTIME === '0' || availableParallelism() < 2) return 'normal';
  let tid: string;
  try {
    tid = readlinkSync('/proc/thread-self').split('/').pop()!; // "<pid>/task/<tid>"
  } catch {
    return 'normal';
  }
  // Loaded here: the main thread imports this file for SCHEDULING alone.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const chrt = spawnSync('chrt', ['--rr', '--reset-on-fork', '--pid', '1', tid], { stdio: 'ignore', timeout: 2000 });
  return chrt.status === 0 ? 'realtime' : 'normal';
}
