// The arena keeps its whole-memory views until it grows: every backend must see memory added by a
// growth (the native addon is told by the generation count), and copies and views must address all
// 4 GiB, past the 2 GiB where a signed shift of a pointer turns negative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/engine/arena.ts';
import { testBackends } from './test-backends.ts';

test('a kernel writes into memory a growth added, on every backend, and the views see it', async () => {
  const arena = new Arena(16 << 20);
  const backends = await testBackends(arena);
  try {
    const a = arena.allocF32(4), b = arena.allocF32(4);
    arena.f32.set([1, 2, 3, 4], a >> 2);
    arena.f32.set([10, 20, 30, 40], b >> 2);
    for (const { backend } of backends) backend.run('add', a, a, b, 4); // every backend has seen the memory once
    const sum = Array.from(arena.f32At(a, 4), (x, k) => x + [10, 20, 30, 40][k]);
    const generation = arena.generation;
    const far = arena.allocF32(1 << 22); // 16 MiB more: the memory grows
    assert.ok(arena.generation > generation, 'the growth is counted');
    assert.ok(arena.f32.byteLength >= far + (1 << 24) && arena.u8.byteLength === arena.memory.buffer.byteLength, 'the views cover the grown memory');
    for (const { label, backend } of backends) {
      arena.f32.fill(0, far >> 2, (far >> 2) + 4);
      backend.run('add', far, a, b, 4);
      assert.deepEqual(Array.from(arena.f32At(far, 4)), sum, label);
    }
  } finally {
    for (const { backend } of backends) backend.dispose();
  }
});

test('copyF32 and the typed views address memory past 2 GiB; a copy past the end is refused', () => {
  const arena = new Arena();
  arena.alloc(2 ** 31); // untouched pages cost nothing; what follows sits above 2 GiB
  const src = arena.allocF32(8), dst = arena.allocF32(8);
  assert.ok(src >= 2 ** 31);
  arena.f32At(src, 8).set([1, 2, 3, 4, 5, 6, 7, 8]);
  arena.copyF32(dst, src, 8);
  assert.deepEqual(Array.from(arena.f32At(dst, 8)), [1, 2, 3, 4, 5, 6, 7, 8]);
  arena.copyF32(src + 4, src, 4); // overlapping, as memmove
  assert.deepEqual(Array.from(arena.f32At(src, 8)), [1, 1, 2, 3, 4, 6, 7, 8]);
  assert.throws(() => arena.copyF32(dst, src, arena.f32.length), /pass the arena/);
});
