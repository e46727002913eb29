// The README's example is code people paste: run it, against this checkout, and check what it prints.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = new URL('../../', import.meta.url);

test('the README example runs on this Node and prints what its comments say', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'README has a ```js example');
  const code = example.replace("from 'loopcam'", `from ${JSON.stringify(new URL('build/src/index.js', root).href)}`);
  // uvu sets FORCE_COLOR for itself; the example's console.log must print plain text.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env });
  // Each console.log line's trailing comment states its output.
  const promised = [...example.matchAll(/console\.log\(.*\/\/ (.*)$/gm)].map((m) => m[1]!.split(':')[0]!.trim());
  assert.equal(output.trim().split('\n').map((l) => l.trim()), promised);
});

test.run();
