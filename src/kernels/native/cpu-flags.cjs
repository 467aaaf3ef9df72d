// Prints the compiler flags binding.gyp builds the kernels with: AVX2+FMA (plus AVX-512F where
// present, unless WREN_NO_AVX512=1) on an x86-64 CPU that has them (the addon is built on the machine that runs it, at install time), nothing otherwise
// (arm64 has NEON by default; other CPUs get the portable C path).
const { readFileSync } = require('node:fs');
let flags = '';
if (process.arch === 'x64') {
  let info = '';
  try { info = readFileSync('/proc/cpuinfo', 'utf8'); } catch { /* not Linux: keep the portable path */ }
  const has = (f) => new RegExp(`\\b${f}\\b`).test(info);
  if (has('avx2') && has('fma')) flags = '-mavx2 -mfma';
  if (flags && has('avx512f') && process.env.WREN_NO_AVX512 !== '1') flags += ' -mavx512f';
}
process.stdout.write(flags);
