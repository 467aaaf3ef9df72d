// A kernel thread of the WASM backend (plain JS: workers load without the TypeScript loader).
// It instantiates the kernel module on the engine's shared arena with its own C stack, then
// serves the control block forever: wait for a new sequence number, run the kernel named by
// the op index with the arguments in the block as thread `tid` of `nth`, count itself done.
// Layout of the control block (must match wasm-pool.ts):
//   Int32 [0] seq (bumped per job; -1 op quits)  [1] op index  [2] arg count  [3] nth  [4] done count  [5] error flag
//   Float64 from byte 64: the arguments.
import { parentPort, workerData } from 'node:worker_threads';

const SEQ = 0, OP = 1, NARGS = 2, NTH = 3, DONE = 4, ERR = 5;
const { module, memory, control, tid, stackTop, names, spin } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
instance.exports.__stack_pointer.value = stackTop;
const fns = names.map((n) => instance.exports[n]);
const ctl = new Int32Array(control, 0, 16);
const args = new Float64Array(control, 64, 32);
parentPort.postMessage('ready');

let seen = 0; // seq starts at 0: a job published before this line ran is still seen
for (;;) {
  let spins = 0;
  while (Atomics.load(ctl, SEQ) === seen) {
    if (++spins > spin) { Atomics.wait(ctl, SEQ, seen); spins = 0; }
  }
  seen = Atomics.load(ctl, SEQ);
  const op = ctl[OP];
  if (op < 0) break;
  const nth = ctl[NTH];
  if (tid < nth) try {
    const a = args;
    switch (ctl[NARGS]) {
      case 4: fns[op](a[0], a[1], a[2], a[3], tid, nth); break;
      case 5: fns[op](a[0], a[1], a[2], a[3], a[4], tid, nth); break;
      case 6: fns[op](a[0], a[1], a[2], a[3], a[4], a[5], tid, nth); break;
      case 7: fns[op](a[0], a[1], a[2], a[3], a[4], a[5], a[6], tid, nth); break;
      case 9: fns[op](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], tid, nth); break;
      default: fns[op](...Array.from(a.subarray(0, ctl[NARGS])), tid, nth);
    }
  } catch {
    Atomics.store(ctl, ERR, 1); // a trap (e.g. out-of-bounds): the caller throws, the thread lives on
  }
  Atomics.add(ctl, DONE, 1);
  Atomics.notify(ctl, DONE);
}
