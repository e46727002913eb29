// The shim's struct layouts and ioctl numbers, checked against the kernel's own headers: a C program
// generated from the same layout descriptions prints offsetof/sizeof of every member we use.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { members, type Struct } from '../src/v4l2/layout.js';
import * as S from '../src/v4l2/structs.js';

const VIDEODEV_STRUCTS: Struct[] = [S.v4l2_capability, S.v4l2_pix_format, S.v4l2_format, S.v4l2_fract, S.v4l2_outputparm,
  S.v4l2_captureparm, S.v4l2_streamparm, S.v4l2_fmtdesc, S.v4l2_control];
const REQUESTS = ['VIDIOC_QUERYCAP', 'VIDIOC_ENUM_FMT', 'VIDIOC_G_FMT', 'VIDIOC_S_FMT', 'VIDIOC_G_PARM', 'VIDIOC_S_PARM',
  'VIDIOC_G_CTRL', 'VIDIOC_S_CTRL', 'VIDIOC_TRY_FMT'] as const;

function compiler(): string | undefined {
  for (const cc of ['cc', 'gcc', 'clang']) {
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' });
      return cc;
    } catch {}
  }
  return undefined;
}

/** C statements printing "key value" lines for every size and offset of `layouts`. */
function probes(layouts: Struct[]): string {
  const lines: string[] = [];
  for (const s of layouts) {
    const type = `struct ${s.name}`;
    lines.push(`printf("sizeof ${s.name} %zu\\n", sizeof(${type}));`);
    for (const m of members(s)) {
      lines.push(`printf("offsetof ${s.name}.${m.path} %zu\\n", offsetof(${type}, ${m.path}));`);
      lines.push(`printf("sizeof ${s.name}.${m.path} %zu\\n", sizeof(((${type} *)0)->${m.path}));`);
    }
  }
  return lines.join('\n  ');
}

/** What the JS side computed, in the same "key value" form. */
function expected(layouts: Struct[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const s of layouts) {
    map.set(`sizeof ${s.name}`, s.size);
    for (const m of members(s)) {
      map.set(`offsetof ${s.name}.${m.path}`, m.offset);
      map.set(`sizeof ${s.name}.${m.path}`, m.size);
    }
  }
  return map;
}

function runC(cc: string, includes: string[], body: string, includeDirs: string[] = []): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'loopcam-layout-'));
  try {
    const source = join(dir, 'probe.c');
    writeFileSync(source, `#include <stdio.h>\n#include <stddef.h>\n#include <sys/time.h>\n${includes.map((h) => `#include <${h}>`).join('\n')}\nint main(void) {\n  ${body}\n  return 0;\n}\n`);
    execFileSync(cc, ['-o', join(dir, 'probe'), source, ...includeDirs.map((d) => `-I${d}`)], { stdio: ['ignore', 'ignore', 'pipe'] });
    const out = execFileSync(join(dir, 'probe'), { encoding: 'utf8' });
    return new Map(out.trim().split('\n').map((line) => {
      const at = line.lastIndexOf(' ');
      return [line.slice(0, at), Number(line.slice(at + 1))];
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compare(actual: Map<string, number>, wanted: Map<string, number>): void {
  for (const [key, value] of wanted) assert.is(value, actual.get(key), `${key}: loopcam computes ${value}, the C compiler says ${actual.get(key)}`);
}

const cc = compiler();
const videodev = '/usr/include/linux/videodev2.h';

if (cc && existsSync(videodev)) {
  test(`struct layouts match ${videodev} (every size and offset the shim uses)`, () => {
    const wanted = expected(VIDEODEV_STRUCTS);
    const actual = runC(cc, ['linux/videodev2.h'], probes(VIDEODEV_STRUCTS));
    assert.ok(wanted.size > 100, `${wanted.size} probes`);
    compare(actual, wanted);
  });

  test('ioctl request numbers match the header', () => {
    const actual = runC(cc, ['linux/videodev2.h'], REQUESTS.map((r) => `printf("${r} %lu\\n", (unsigned long)${r});`).join('\n  '));
    for (const r of REQUESTS) assert.is(S[r], actual.get(r), r);
  });
} else {
  // Visible in the summary as skipped, with the reason in its name.
  test.skip(`struct layouts vs C headers: ${cc ? `${videodev} missing (apt-get install linux-libc-dev)` : 'no C compiler (apt-get install gcc)'}`, () => {});
}

// v4l2loopback's header is not a system header: use a copy of its sources where one is at hand (the
// VM harness keeps them in its cache).
/** v4l2loopback.h files (not from 0.12, which has no control device) under a few directories. */
function findLoopbackHeaders(dir: string, depth = 4): string[] {
  if (depth < 0 || !existsSync(dir)) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => e.isDirectory() ? findLoopbackHeaders(join(dir, e.name), depth - 1)
    : e.name === 'v4l2loopback.h' && !dir.includes('0.12') ? [join(dir, e.name)] : []);
}
const loopbackHeader = [process.env.LOOPCAM_VM_CACHE ?? '/var/cache/loopcam-vm', '/usr/src']
  .flatMap((dir) => findLoopbackHeaders(dir))[0];
if (cc && loopbackHeader) {
  test(`v4l2_loopback_config matches ${loopbackHeader}`, () => {
    const dir = loopbackHeader.slice(0, loopbackHeader.lastIndexOf('/'));
    const actual = runC(cc, ['linux/videodev2.h', 'v4l2loopback.h'], probes([S.v4l2_loopback_config]) +
      '\n  printf("ADD %lu\\n", (unsigned long)V4L2LOOPBACK_CTL_ADD);', [dir]);
    compare(actual, expected([S.v4l2_loopback_config]));
  });
} else {
  test.skip('v4l2_loopback_config vs v4l2loopback.h: no v4l2loopback ≥ 0.13 sources here (the VM harness fetches them: npm run test:vm)', () => {});
}

test.run();
