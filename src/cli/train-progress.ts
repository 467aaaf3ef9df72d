// What `wren train` and `wren sft` show while the loop runs: a bar on a terminal, one line per
// evaluation and checkpoint in a log; Ctrl-C asks the loop to checkpoint and stop (twice: quit).
import type { TrainProgress } from '../train/loop.ts';

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = Math.floor(s % 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export function trainingSession(): { show: (p: TrainProgress) => void; signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: saving a checkpoint (Ctrl-C again to quit without it)…\n');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  const tty = process.stderr.isTTY;
  const show = (p: TrainProgress) => {
    if (p.kind === 'step' && tty) {
      const width = 24, done = Math.round((width * p.step) / p.steps);
      process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} ` +
        `${Math.round(p.tokensPerSec).toLocaleString()} tok/s ETA ${fmtTime(p.etaSec)}   `);
    } else if (p.kind === 'eval') {
      process.stderr.write(`${tty ? '\n' : ''}step ${p.step}: train loss ${p.loss.toFixed(4)}, val loss ${p.valLoss!.toFixed(4)}, ${Math.round(p.tokensPerSec)} tok/s\n`);
    } else if (p.kind === 'checkpoint' && !tty) {
      process.stderr.write(`step ${p.step}: checkpoint saved\n`);
    }
  };
  let ended = false;
  return {
    show, signal: ac.signal,
    done: () => { // idempotent: called when the run ends and again in a finally
      if (ended) return;
      ended = true;
      if (tty) process.stderr.write('\n');
      process.off('SIGINT', onSigint);
    },
  };
}
