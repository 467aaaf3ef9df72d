// Prints the compiler flags binding.gyp builds the kernels with, for the ISA install.mjs resolved
// (WREN_NATIVE_ISA; the best this CPU has when unset). The addon is built on the machine that runs
// it, at install time. See isa.cjs.
const { ISAS, resolveIsa } = require('./isa.cjs');

process.stdout.write(ISAS[resolveIsa(process.env.WREN_NATIVE_ISA)].flags);
