// Several async generators as one, in the order their items arrive: each item says which stream
// it came from, and a stream's end carries its return value. Stopping early stops them all.
export type Merged<T, R> = { index: number; done: false; value: T } | { index: number; done: true; result: R };

export async function* mergeStreams<T, R>(streams: AsyncGenerator<T, R>[]): AsyncGenerator<Merged<T, R>> {
  const pending = new Map<number, Promise<{ index: number; r: IteratorResult<T, R> }>>();
  const pull = (index: number) => pending.set(index, streams[index].next().then((r) => ({ index, r })));
  streams.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { index, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(index);
        yield { index, done: true, result: r.value };
      } else {
        pull(index);
        yield { index, done: false, value: r.value };
      }
    }
  } finally {
    // An early exit (the client left, or a stream failed): end every stream, which frees its slot.
    for (const p of pending.values()) p.catch(() => {}); // their failures now have no reader
    await Promise.allSettled(streams.map((s) => s.return(undefined as R)));
  }
}
