// `wren doctor [--backend auto|native|wasm|reference] [--threads N]`: which compute backend Wren
// uses here, its SIMD level and thread count, and why a faster backend is absent.
import { parseFlags, intFlag } from './args.ts';
import { createBackend, defaultThreads, type BackendName } from '../engine/backend.ts';
import { loadKernelModule } from '../engine/wasm-node.ts';
import { nativeAvailable, nativeSimd, nativeUnavailableReason } from '../engine/native-backend.ts';
import { CliError } from './args.ts';
import os from 'node:os';
import { createRequire } from 'node:module';

type IsaTable = { ISAS: Record<string, { simd: string }>; supportedIsas(): string[] };
const isa = createRequire(import.meta.url)('../kernels/native/isa.cjs') as IsaTable;

/** The addon's ISA, and a note when this CPU runs a higher one (WREN_NATIVE_ISA chose a lower level). */
function nativeLine(): string {
  if (!nativeAvailable()) return `unavailable: ${nativeUnavailableReason()}`;
  const simd = nativeSimd(), best = isa.supportedIsas()[0];
  const built = Object.keys(isa.ISAS).find((k) => isa.ISAS[k].simd === simd) ?? simd;
  return `built, ${simd} (ISA ${built}${built === best ? ', the best this CPU has' : `; this CPU also runs ${best}: npm run build:native -- --isa ${best}`})`;
}

const HELP = `usage: wren doctor [--backend auto|native|wasm|reference] [--threads N]

Prints the backend, SIMD level and thread count Wren computes with on this machine.`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, { backend: { type: 'string', default: 'auto' }, threads: { type: 'string' } }, HELP);
  const backendFlag = String(values.backend);
  if (!['auto', 'native', 'wasm', 'reference'].includes(backendFlag)) throw new CliError(`--backend must be auto, native, wasm or reference, got '${backendFlag}'`);
  const threads = intFlag(values.threads, 'threads', await defaultThreads(), 1, 16);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`machine:  ${cpu}, ${os.cpus().length} cores, ${os.platform()}-${os.arch()}, Node ${process.version}`);
  const wasm = loadKernelModule();
  console.log(`wasm:     ${wasm.simd}${wasm.fallbackReason ? ` (relaxed SIMD unavailable: ${wasm.fallbackReason})` : ''}`);
  console.log(`native:   ${nativeLine()}`);
  const backend = await createBackend({ backend: backendFlag as BackendName | 'auto', threads });
  console.log(`in use:   ${backend.name} — ${backend.description}${backendFlag === 'auto' && process.env.WREN_BACKEND ? ` (WREN_BACKEND=${process.env.WREN_BACKEND})` : ''}`);
  backend.dispose();
}
