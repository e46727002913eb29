// How loopcam and the real driver behave together: caps that make Chrome list the camera, what
// v4l2-ctl and ffprobe report, colorimetry, and writers that follow one another.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listDevices, LoopcamError, openOutput, type OutputDevice } from '../../src/index.js';
import { distinctFrames, problems, streamWhileReading } from './stream.js';
import { driver, legacy, reload, run, scratch, SKIP_REASON } from './vm.js';

/** Writes frames while `body` runs. */
async function whileWriting<T>(out: OutputDevice, body: () => Promise<T> | T): Promise<T> {
  const frame = distinctFrames(out.negotiated.width, out.negotiated.height, out.negotiated.format, 1)[0]!;
  out.writeFrame(frame);
  const timer = setInterval(() => out.writeFrame(frame), 33);
  try {
    await new Promise((r) => setTimeout(r, 100));
    return await body();
  } finally {
    clearInterval(timer);
  }
}

/** Streams 4 frames and checks that v4l2-ctl reads them back exactly. */
async function readsBack(out: OutputDevice, label: string): Promise<void> {
  const [dir, clean] = scratch();
  try {
    const { width, height, format } = out.negotiated;
    const frames = distinctFrames(width, height, format, 4, width);
    const [capture] = await streamWhileReading(out, frames, ['v4l2-ctl'], dir, { count: 45 });
    const problem = problems(capture!, 4, 45);
    assert.is(problem, '', problem);
    console.log(`    ${label}: v4l2-ctl read ${capture!.ids.length} frames byte-exact`);
  } finally {
    clean();
  }
}

if (!driver) {
  test.skip(`loopcam with the real driver (caps, v4l2-ctl/ffprobe, colorimetry, successive writers): ${SKIP_REASON}`, () => {});
} else {
  test("the README's camera example runs against the real driver", async () => {
    reload('devices=1 exclusive_caps=1 card_label=loopcam');
    const root = new URL('../../../', import.meta.url);
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const example = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('openOutput'));
    assert.ok(example, 'README has an openOutput example');
    const code = example.replace("from 'loopcam'", `from ${JSON.stringify(new URL('build/src/index.js', root).href)}`);
    const ran = await run(process.execPath, ['--input-type=module', '-e', code], 60_000, { NO_COLOR: '1', FORCE_COLOR: undefined });
    assert.is(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /width: 1280/);
  });

  test('exclusive_caps=1: the node announces CAPTURE once loopcam writes (what Chrome needs to list it)', async () => {
    const [node] = reload('devices=1 exclusive_caps=1');
    const before = listDevices().find((d) => d.path === node)!;
    assert.ok(before.output && !before.capture, `before: ${before.capNames}`);
    const out = openOutput({ device: node, width: 320, height: 240 });
    try {
      await whileWriting(out, () => {
        const during = listDevices().find((d) => d.path === node)!;
        assert.ok(during.capture && !during.output, `while writing: ${during.capNames}`);
        console.log(`    ${node}: before ${before.capNames?.join('|')}; while loopcam writes ${during.capNames?.join('|')}`);
      });
    } finally {
      out.close();
    }
  });

  test('v4l2-ctl --all and ffprobe show the format, size and frame rate loopcam set', async () => {
    const [node] = reload('devices=1 exclusive_caps=1');
    const out = openOutput({ device: node, width: 640, height: 360, format: 'yuyv', fps: 15 });
    try {
      await whileWriting(out, async () => {
        const all = execFileSync('v4l2-ctl', ['-d', node!, '--all'], { encoding: 'utf8' });
        assert.match(all, /Width\/Height\s*:\s*640\/360/);
        assert.match(all, /Pixel Format\s*:\s*'YUYV'/);
        assert.match(all, /Frames per second:\s*15\.000/);
        const probe = await run('ffprobe', ['-hide_banner', '-f', 'v4l2', '-i', node!]);
        assert.match(probe.stderr, /yuyv422.*640x360/);
        assert.match(probe.stderr, /15 fps/);
        console.log(`    v4l2-ctl: ${all.split('\n').filter((l) => /Width|Pixel Format|Frames per/.test(l)).map((l) => l.trim()).join('; ')}`);
        console.log(`    ffprobe: ${/Stream #0.*/.exec(probe.stderr)?.[0]}`);
      });
    } finally {
      out.close();
    }
  });

  // 0.15 keeps the colorspace and leaves encoding and quantization at "Default", which v4l2-ctl shows
  // resolved ("Default (maps to ITU-R 601)"): what a reader ends up using is what is checked.
  const shown = (value: string) => `(Default \\(maps to )?${value}`;
  const COLORIMETRY: [string, { matrix: 'bt601' | 'bt709'; range: 'limited' | 'full' }, RegExp[]][] = [
    ['bt601 limited', { matrix: 'bt601', range: 'limited' }, [/Colorspace\s*:\s*SMPTE 170M/, new RegExp(`YCbCr/HSV Encoding:\\s*${shown('ITU-R 601')}`), new RegExp(`Quantization\\s*:\\s*${shown('Limited Range')}`)]],
    ['bt601 full', { matrix: 'bt601', range: 'full' }, [/Colorspace\s*:\s*JPEG/, new RegExp(`YCbCr/HSV Encoding:\\s*${shown('ITU-R 601')}`), new RegExp(`Quantization\\s*:\\s*${shown('Full Range')}`)]],
    ['bt709 limited', { matrix: 'bt709', range: 'limited' }, [/Colorspace\s*:\s*Rec\. 709/, new RegExp(`YCbCr/HSV Encoding:\\s*${shown('Rec\\. 709')}`), new RegExp(`Quantization\\s*:\\s*${shown('Limited Range')}`)]],
  ];
  for (const [name, colour, expected] of COLORIMETRY) {
    test(`colorimetry ${name}: ${legacy ? 'recorded (0.12 rewrites it)' : 'read back by v4l2-ctl'}`, async () => {
      const [node] = reload('devices=1 exclusive_caps=1');
      const out = openOutput({ device: node, width: 320, height: 240, ...colour });
      try {
        await whileWriting(out, () => {
          const all = execFileSync('v4l2-ctl', ['-d', node!, '--get-fmt-video'], { encoding: 'utf8' });
          const shown = all.split('\n').filter((l) => /Colorspace|Encoding|Quantization|Transfer/.test(l)).map((l) => l.trim()).join('; ');
          console.log(`    ${name} on ${driver}: ${shown}${out.notes.length ? ` (loopcam notes: ${out.notes.join('; ')})` : ''}`);
          if (legacy) assert.ok(out.notes.some((n) => /colorspace/.test(n)), 'the rewrite is reported');
          else for (const pattern of expected) assert.match(all, pattern);
        });
      } finally {
        out.close();
      }
    });
  }

  test('two writers one after the other on the same node both reach readers (exclusive_caps=1)', async () => {
    const [node] = reload('devices=1 exclusive_caps=1');
    for (const writer of ['first', 'second']) {
      const out = openOutput({ device: node, width: 320, height: 240 });
      try {
        await readsBack(out, `${writer} writer`);
      } finally {
        out.close();
      }
    }
  });

  const sizeChangeWorks = !legacy;
  test(`a second writer at another size: ${sizeChangeWorks ? 'works' : 'works without exclusive caps; with them FORMAT_REFUSED says what to do'}`, async () => {
    const modes = legacy ? ['exclusive_caps=0', 'exclusive_caps=1'] : ['exclusive_caps=1', 'exclusive_caps=0'];
    for (const mode of modes) {
      const [node] = reload(`devices=1 ${mode}`);
      const first = openOutput({ device: node, width: 320, height: 240 });
      await readsBack(first, `${mode}: first writer 320×240`);
      first.close();
      if (legacy && mode === 'exclusive_caps=1') {
        try {
          openOutput({ device: node, width: 640, height: 480 }).close();
          assert.unreachable('0.12 in exclusive mode keeps the first format');
        } catch (error) {
          assert.instance(error, LoopcamError);
          assert.is((error as LoopcamError).code, 'FORMAT_REFUSED', String(error));
          assert.match((error as Error).message, /set 320×240 YUYV/);
          assert.match((error as Error).message, /keep_format|another device/);
          const fmt = execFileSync('v4l2-ctl', ['-d', node!, '--get-fmt-video-out'], { encoding: 'utf8' });
          assert.match(fmt, /Width\/Height\s*:\s*320\/240/);
          console.log(`    ${mode}: second writer at 640×480 → FORMAT_REFUSED: ${(error as Error).message}`);
        }
      } else {
        const second = openOutput({ device: node, width: 640, height: 480 });
        try {
          await readsBack(second, `${mode}: second writer 640×480`);
        } finally {
          second.close();
        }
      }
    }
  });
}

test.run();
