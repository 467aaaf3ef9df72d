// The body of a WASM kernel thread, one self-contained function (it refers to nothing outside
// itself), so Node's worker (wasm-worker.js) imports it and a browser starts it from its source
// text as a Blob-URL worker, with no second file to serve. It instantiates the kernel module on
// the engine's shared arena with its own C stack, then serves the control block forever: wait for
// a new job, claim its chunks one by one (chunk c of `chunks` is the kernel run as thread c of
// `chunks`), count each one done.
// Layout of the control block (must match wasm-pool.ts):
//   Int32 [0] seq (bumped per job)  [1] op index (-1 quits)  [2] arg count  [3] chunks
//         [4] done chunks  [5] error flag  [6] claim word: (seq & 0xffffff) << 8 | next chunk
//   Float64 from byte 64: the arguments.

/** Serve kernel jobs until told to quit; `ready()` is called once the module is instantiated. */
export function kernelThreadMain(init, ready) {
  const SEQ = 0, OP = 1, NARGS = 2, CHUNKS = 3, DONE = 4, ERR = 5, CLAIM = 6;
  const { module, memory, control, stackTop, names, spin } = init;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  instance.exports.__stack_pointer.value = stackTop;
  const fns = names.map((n) => instance.exports[n]);
  const ctl = new Int32Array(control, 0, 16);
  const args = new Float64Array(control, 64, 32);
  ready();

  // Claim the next chunk of job `seq`, or -1 when it has none left (or is no longer current).
  const claim = (seq, chunks) => {
    for (;;) {
      const w = Atomics.load(ctl, CLAIM);
      if (w >>> 8 !== (seq & 0xffffff) || (w & 0xff) >= chunks) return -1;
      if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) === w) return w & 0xff;
    }
  };
  const runChunk = (fn, c, chunks) => {
    const a = args;
    switch (ctl[NARGS]) {
      case 4: fn(a[0], a[1], a[2], a[3], c, chunks); break;
      case 5: fn(a[0], a[1], a[2], a[3], a[4], c, chunks); break;
      case 6: fn(a[0], a[1], a[2], a[3], a[4], a[5], c, chunks); break;
      case 7: fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], c, chunks); break;
      case 9: fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], c, chunks); break;
      case 11: fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], c, chunks); break; // attention
      case 12: fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], c, chunks); break; // matmul3
      default: fn(...Array.from(a.subarray(0, ctl[NARGS])), c, chunks);
    }
  };

  let seen = 0; // seq starts at 0: a job published before this line ran is still seen
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctl, SEQ) === seen) {
      if (++spins > spin) { Atomics.wait(ctl, SEQ, seen); spins = 0; }
    }
    seen = Atomics.load(ctl, SEQ);
    if (Atomics.load(ctl, OP) < 0) break;
    const chunks = Atomics.load(ctl, CHUNKS);
    // A successful claim proves the job is still current, so op and arguments are read after it.
    for (let c = claim(seen, chunks); c >= 0; c = claim(seen, chunks)) {
      try {
        runChunk(fns[ctl[OP]], c, chunks);
      } catch {
        Atomics.store(ctl, ERR, 1); // a trap (e.g. out-of-bounds): the caller throws, the thread lives on
      }
      Atomics.add(ctl, DONE, 1);
      Atomics.notify(ctl, DONE);
    }
  }
}
