// Which vector ISA the native addon is built for. WREN_NATIVE_ISA (or `npm run build:native --
// --isa NAME`) picks one at or below what this CPU has, e.g. avx2 on an AVX-512 machine to test
// the code path most users run; 'best' (the default) takes the highest this CPU has.
// CommonJS because binding.gyp runs cpu-flags.cjs, which shares this table, with plain `node`.
const { readFileSync } = require('node:fs');

// name → compiler flags and the SIMD string the addon then reports (WREN_SIMD in wren.h).
const ISAS = {
  avx512:   { flags: '-mavx2 -mfma -mavx512f', simd: 'avx512f',    arch: 'x64' },
  avx2:     { flags: '-mavx2 -mfma',           simd: 'avx2-fma',   arch: 'x64' },
  neon:     { flags: '',                       simd: 'neon',       arch: 'arm64' },
  portable: { flags: '-DWREN_PORTABLE',        simd: 'portable-c', arch: '' },
};

/** The ISAs this CPU can run, best first. */
function supportedIsas(arch = process.arch, cpuinfo = readCpuinfo()) {
  const has = (f) => new RegExp(`\\b${f}\\b`).test(cpuinfo);
  const out = [];
  if (arch === 'x64' && has('avx2') && has('fma')) {
    if (has('avx512f')) out.push('avx512');
    out.push('avx2');
  }
  if (arch === 'arm64') out.push('neon'); // NEON is part of every arm64 CPU
  out.push('portable');
  return out;
}

/** Resolves a requested ISA ('best' or a name) for this CPU; throws a one-line reason otherwise. */
function resolveIsa(requested = 'best', arch = process.arch, cpuinfo = readCpuinfo()) {
  const ok = supportedIsas(arch, cpuinfo);
  if (requested === '' || requested === 'best') return ok[0];
  if (!(requested in ISAS)) throw new Error(`unknown ISA '${requested}'; known: best, ${Object.keys(ISAS).join(', ')}`);
  if (!ok.includes(requested)) throw new Error(`this CPU (${arch}) cannot run ${requested} code; it can run: ${ok.join(', ')}`);
  return requested;
}

function readCpuinfo() {
  try { return readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } // not Linux: portable
}

module.exports = { ISAS, supportedIsas, resolveIsa };
