// The thread pools' job hand-off under a flood of tiny jobs whose chunk counts alternate. A kernel
// thread that read one job's seq but claimed late used to pair it with the next job's larger
// chunk count: it ran chunks the job never had and counted them into the next job's done, so
// the WASM caller waited forever for a count it had passed (seen as a hang of the whole suite,
// about once in fifty runs of test/nn/batch-forward.test.ts beside another test) and the
// native caller returned before its chunks were written (the stress caught a stale sum within
// a second). The stress runs in a child process, so a hang is a failed test, not a stuck run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nativeAvailable } from '../../src/engine/native-backend.ts';

const script = fileURLToPath(new URL('./pool-stress.ts', import.meta.url));

for (const backend of ['wasm', 'native'] as const) {
  test(`${backend} pool: 2 s of tiny jobs alternating 2 and 8 chunks neither hang nor miscount`, { skip: backend === 'native' && !nativeAvailable() }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, backend, '2000'], { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(r.signal, 'SIGTERM', `${backend}: the stress did not finish in 30 s (a lost hand-off)`);
    assert.equal(r.status, 0, r.stderr);
    const { iterations } = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.ok(iterations > 1000, `only ${iterations} iterations`);
  });
}
