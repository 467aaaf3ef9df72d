// Builds the optional native addon (binding.gyp -> build/Release/wren_native.node) with node-gyp.
// Run by `npm install` (the root package's install script) and `npm run build:native`.
// Without a compiler, headers or node-gyp the install still succeeds: Wren then runs its
// WebAssembly kernels and `wren doctor` says why native is absent. `--strict` (or
// WREN_NATIVE_STRICT=1, as CI sets) fails instead. WREN_SKIP_NATIVE=1 skips the build.
// `--isa NAME` / WREN_NATIVE_ISA=avx512|avx2|neon|portable builds for a level at or below this
// CPU's (default: the best it has); see isa.cjs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const strict = process.argv.includes('--strict') || process.env.WREN_NATIVE_STRICT === '1';
const isaArg = process.argv.indexOf('--isa');
const requestedIsa = isaArg >= 0 ? process.argv[isaArg + 1] ?? '' : process.env.WREN_NATIVE_ISA ?? 'best';

function nodeGyp() {
  // npm tells lifecycle scripts where its bundled node-gyp is; otherwise look beside npm.
  const candidates = [process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js')];
  return candidates.find((p) => p && existsSync(p));
}

function fail(reason) {
  if (strict) { console.error(`wren: native addon build failed: ${reason}`); process.exit(1); }
  console.log(`wren: native kernels not built (${reason}); Wren will use its WebAssembly kernels`);
  process.exit(0);
}

if (process.env.WREN_SKIP_NATIVE === '1' && !process.argv.includes('--strict')) {
  console.log('wren: native kernels not built (WREN_SKIP_NATIVE=1); Wren will use its WebAssembly kernels');
  process.exit(0);
}
let isa;
try {
  isa = createRequire(import.meta.url)('./isa.cjs').resolveIsa(requestedIsa);
} catch (err) {
  fail(`--isa / WREN_NATIVE_ISA: ${err.message}`);
}
const gyp = nodeGyp();
if (!gyp) fail('node-gyp not found');
const args = [gyp, 'rebuild'];
// Headers installed with Node (Debian's nodejs, official tarballs) avoid a download, which
// offline machines cannot do.
const prefix = join(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include/node/common.gypi'))) args.push(`--nodedir=${prefix}`);
const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, WREN_NATIVE_ISA: isa } });
if (r.status !== 0) {
  const lines = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').filter((l) => /error|not found|ERR!/i.test(l));
  fail(lines.slice(0, 3).join(' | ') || `node-gyp exited with ${r.status}`);
}
console.log(`wren: native kernels built for ${isa} (build/Release/wren_native.node)`);
