/** The options every streaming command shares, parsed with node:util parseArgs into the API's vocabulary. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MATRICES, RANGES, type Matrix, type Range } from '../colour.js';
import { parseSize, UsageError } from '../args.js';
import { FORMAT_NAMES, type FormatName } from '../formats.js';
import { labelProblem } from '../pipewire/sink.js';

export { UsageError };

export const COMMON = {
  device: { type: 'string' },
  size: { type: 'string' },
  fps: { type: 'string' },
  format: { type: 'string' },
  matrix: { type: 'string' },
  range: { type: 'string' },
  frames: { type: 'string' },
  output: { type: 'string', short: 'o' },
  pipewire: { type: 'boolean' },
  label: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const COMMON_HELP = `  --device D       /dev/videoN, N, or a card label (default: the first free v4l2loopback output)
  --size WxH       frame size (default 1280x720)
  --fps N          frames per second (default 30)
  --format F       what the camera carries: ${FORMAT_NAMES.join(', ')} (default yuyv)
  --matrix M       ${MATRICES.join(' or ')} (default bt601)
  --range R        ${RANGES.join(' or ')} (default limited)
  --frames N       stop after N output frames
  --output FILE    write a Y4M file instead of a device; - for raw frames on stdout
  --pipewire       publish a PipeWire camera instead (what Firefox, Flatpak/Snap apps and OBS read
                   through the Camera portal; no kernel module): yuyv, uyvy, i420 or nv12. Without
                   --device and --output, and with no v4l2loopback node, loopcam does this by itself
  --label NAME     the PipeWire camera's name in apps (default loopcam)
  -h, --help       this text`;

export interface Common {
  device?: string | number;
  width: number;
  height: number;
  fps: number;
  format: FormatName;
  matrix: Matrix;
  range: Range;
  frames?: number;
  output?: string;
  /** Publish a PipeWire camera (--pipewire), labelled `label`. */
  pipewire?: boolean;
  label?: string;
}

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, positionals = false): Parsed {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: positionals }) as Parsed;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function choice<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} ${value}: expected one of ${allowed.join(', ')}`);
  return value as T;
}

function positiveNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} ${value}: expected a ${integer ? 'whole ' : ''}number above 0`);
  return n;
}

/** The shared options, checked; usage mistakes are UsageErrors (exit 2). */
export function common(values: Record<string, unknown>): Common {
  const [width, height] = values.size === undefined ? [1280, 720] : parseSize(values.size as string);
  const device = values.device as string | undefined;
  const frames = positiveNumber('frames', values.frames as string | undefined, true);
  const output = values.output as string | undefined;
  const pipewire = values.pipewire === true;
  const label = values.label as string | undefined;
  if (pipewire && output !== undefined) throw new UsageError('--pipewire publishes a camera; --output writes a file: choose one');
  if (pipewire && device !== undefined) throw new UsageError('--pipewire publishes a PipeWire camera; --device names a v4l2loopback node: choose one');
  if (label !== undefined && (output !== undefined || device !== undefined)) throw new UsageError('--label names a PipeWire camera: use it with --pipewire (or with neither --device nor --output)');
  const labelIssue = label === undefined ? undefined : labelProblem(label);
  if (labelIssue) throw new UsageError(`--label ${JSON.stringify(label)}: ${labelIssue}`);
  return {
    ...(device === undefined ? {} : { device: /^\d+$/.test(device) ? Number(device) : device }),
    width, height,
    fps: positiveNumber('fps', values.fps as string | undefined, false) ?? 30,
    format: choice('format', values.format as string | undefined, FORMAT_NAMES, 'yuyv'),
    matrix: choice('matrix', values.matrix as string | undefined, MATRICES, 'bt601'),
    range: choice('range', values.range as string | undefined, RANGES, 'limited'),
    ...(frames === undefined ? {} : { frames }),
    ...(output === undefined ? {} : { output }),
    ...(pipewire ? { pipewire } : {}),
    ...(label === undefined ? {} : { label }),
  };
}
