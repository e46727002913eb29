/**
 * The user's PipeWire daemon as the CLI sees it, without loading libpipewire: whether its socket is
 * there, and the cameras in its graph (from `pw-dump`, PipeWire's own JSON view).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The daemon's socket, if it exists (where libpipewire looks: PIPEWIRE_RUNTIME_DIR or XDG_RUNTIME_DIR). */
export function pipewireSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.PIPEWIRE_RUNTIME_DIR || env.XDG_RUNTIME_DIR;
  if (!dir) return undefined;
  const socket = join(dir, env.PIPEWIRE_REMOTE || 'pipewire-0');
  return existsSync(socket) ? socket : undefined;
}

export interface PipeWireCameraInfo {
  kind: 'pipewire';
  /** The node's id in the graph. */
  id: number;
  /** node.name: what apps remember the camera by. */
  name: string;
  /** node.description: what apps show. */
  label: string;
  /** media.role is Camera: portal apps (Firefox, Flatpak/Snap apps) see only these. */
  camera: boolean;
  /** Offered formats, e.g. "YUY2 1280×720 30/1". */
  formats: string[];
}

export interface DumpObject {
  id: number;
  type?: string;
  info?: { props?: Record<string, unknown>; params?: { EnumFormat?: Record<string, unknown>[] } };
}

/** The graph as `pw-dump` shows it, or why it cannot be read. */
export function pwDump(env: NodeJS.ProcessEnv = process.env): { objects: DumpObject[] } | { unavailable: string } {
  if (!pipewireSocket(env)) return { unavailable: 'no PipeWire daemon is running for this user' };
  const dump = spawnSync('pw-dump', [], { env, encoding: 'utf8', timeout: 5000, maxBuffer: 64 << 20 });
  if (dump.error || dump.status !== 0) return { unavailable: `pw-dump failed (${dump.error?.message ?? dump.stderr.trim()}): install pipewire-bin` };
  try {
    return { objects: JSON.parse(dump.stdout) as DumpObject[] };
  } catch {
    return { unavailable: 'pw-dump printed no JSON' };
  }
}

/** Video/Source nodes in the graph, or an explanation of why they cannot be listed. */
export function listPipeWireCameras(env: NodeJS.ProcessEnv = process.env): { cameras: PipeWireCameraInfo[] } | { unavailable: string } {
  const dump = pwDump(env);
  if ('unavailable' in dump) return dump;
  const cameras = dump.objects.filter((o) => o.type === 'PipeWire:Interface:Node' && o.info?.props?.['media.class'] === 'Video/Source').map((o): PipeWireCameraInfo => {
    const props = o.info!.props!;
    const formats = (o.info!.params?.EnumFormat ?? []).map((f) => {
      const size = f.size as { width?: number; height?: number } | undefined;
      const rate = f.framerate as { num?: number; denom?: number } | undefined;
      return [f.format, size ? `${size.width}×${size.height}` : '', rate ? `${rate.num}/${rate.denom}` : ''].filter(Boolean).join(' ');
    });
    return { kind: 'pipewire', id: o.id, name: String(props['node.name'] ?? ''), label: String(props['node.description'] ?? props['node.nick'] ?? props['node.name'] ?? ''),
      camera: props['media.role'] === 'Camera', formats };
  });
  return { cameras };
}
