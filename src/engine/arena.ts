// The one memory every backend computes in: a shared WebAssembly.Memory. Tensors are byte
// offsets into it, so the WASM kernels, worker threads and the native addon all see the same
// bytes with no copies, and the reference (pure TS) kernels read it through typed-array views.
//
// Layout: [0, STACK_REGION) holds one C stack per kernel thread; tensors start after it.
// Allocation is a bump pointer with mark/release, because a model's memory is planned up front
// (parameters, gradients, optimiser state, activations: one block each) rather than freed piecemeal.
import { WrenError } from '../errors.ts';

export type Ptr = number; // byte offset into the arena, 64-byte aligned for tensors

const PAGE = 65536;
export const MAX_THREADS = 16;
export const STACK_BYTES_PER_THREAD = 512 * 1024; // matmul.c packs up to 480 KiB of operands on it
export const STACK_REGION = MAX_THREADS * STACK_BYTES_PER_THREAD;
export const MAX_PAGES = 65536; // 4 GiB: the wasm32 limit, declared by the kernel modules too
const ALIGN = 64;

export class Arena {
  readonly memory: WebAssembly.Memory;
  private top: Ptr = STACK_REGION;
  // Whole-memory views, rebuilt after a growth. Only alloc() grows the memory (the kernels never
  // do), so the views stay current without reading `memory.buffer`, whose getter on a shared
  // memory costs ~30 ns: a decode read it ~100 times a token.
  private views: { buffer: ArrayBufferLike; f32: Float32Array; i32: Int32Array; u8: Uint8Array } | null = null;
  private grows = 0;

  constructor(initialBytes = 16 << 20) {
    const pages = Math.ceil(Math.max(initialBytes, STACK_REGION + PAGE) / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
  }

  /** Reserve `bytes` (rounded up to the alignment) and return the offset; grows the memory if needed. */
  alloc(bytes: number): Ptr {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`Arena.alloc: bad size ${bytes}`);
    const start = this.top;
    const end = start + Math.ceil(bytes / ALIGN) * ALIGN;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const need = Math.ceil((end - have) / PAGE);
      if (have / PAGE + need > MAX_PAGES) {
        throw new WrenError(`out of memory: the model needs ${(end / 2 ** 30).toFixed(2)} GiB, over the 4 GiB WebAssembly limit`);
      }
      this.memory.grow(need);
      this.views = null;
      this.grows++;
    }
    this.top = end;
    return start;
  }

  allocF32(count: number): Ptr {
    return this.alloc(count * 4);
  }

  /** Current top of the bump allocator; `release(mark)` frees everything allocated after it. */
  mark(): Ptr {
    return this.top;
  }

  release(mark: Ptr): void {
    if (mark < STACK_REGION || mark > this.top) throw new RangeError(`Arena.release: bad mark ${mark}`);
    this.top = mark;
  }

  get bytesUsed(): number {
    return this.top - STACK_REGION;
  }

  private refresh() {
    if (!this.views) {
      const buffer = this.memory.buffer;
      this.views = { buffer, f32: new Float32Array(buffer), i32: new Int32Array(buffer), u8: new Uint8Array(buffer) };
    }
    return this.views;
  }

  /** How many times the memory has grown (each growth replaces its buffer): a cheap check for
   *  whoever keeps a view or a pointer to the buffer (the native addon does). */
  get generation(): number {
    return this.grows;
  }

  /** The current buffer of the memory. */
  get buffer(): ArrayBufferLike {
    return this.refresh().buffer;
  }

  /** Whole-arena views; re-fetch after any alloc (growth replaces the buffer). */
  get f32(): Float32Array { return this.refresh().f32; }
  get i32(): Int32Array { return this.refresh().i32; }
  get u8(): Uint8Array { return this.refresh().u8; }

  /** A float32 view of `count` elements at `ptr` (valid until the next growth). */
  f32At(ptr: Ptr, count: number): Float32Array {
    return new Float32Array(this.refresh().buffer, ptr, count);
  }

  i32At(ptr: Ptr, count: number): Int32Array {
    return new Int32Array(this.refresh().buffer, ptr, count);
  }

  /** Copy `count` float32s from `src` to `dst` (the regions may overlap), with no views made. */
  copyF32(dst: Ptr, src: Ptr, count: number): void {
    const f32 = this.refresh().f32;
    // >>> not >>: pointers reach 4 GiB, and copyWithin would read a negative index from the end
    const d = dst >>> 2, s = src >>> 2;
    if (count < 0 || d + count > f32.length || s + count > f32.length) {
      throw new RangeError(`Arena.copyF32: ${count} floats from ${src} to ${dst} pass the arena's ${f32.byteLength} bytes`);
    }
    f32.copyWithin(d, s, s + count);
  }
}
