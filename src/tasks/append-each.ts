// The ask-and-append loop of the task stages that call a teacher per row (the judge, the large
// model, written rows): at most `concurrency` asks in flight, each result appended to `file` as
// one JSON line (AppendLog) the moment it comes, so a kill keeps every answer already paid for.
// The first error stops new asks; it is thrown once the running ones end, the lines written stay.
import { AppendLog } from '../formats/append-log.ts';

export async function appendEach<T, R>(file: string, todo: T[], concurrency: number, ask: (item: T) => Promise<R>,
                                       onRecord?: (record: R, done: number, total: number) => void): Promise<void> {
  const log = AppendLog.open(file, 'line');
  let next = 0, done = 0, failure: unknown = null;
  const worker = async () => {
    while (next < todo.length && !failure) {
      const item = todo[next++];
      try {
        const r = await ask(item);
        log.append(JSON.stringify(r));
        onRecord?.(r, ++done, todo.length);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, todo.length)) }, worker));
    log.sync();
  } finally {
    log.close();
  }
  if (failure) throw failure;
}
