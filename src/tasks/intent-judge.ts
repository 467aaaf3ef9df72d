// The support task's intent judge: which of the training intents a reply is about, by the nearest
// centroid (cosine) of the TF-IDF vectors of the reference replies of each intent in the training
// split. Trained on replies, not on the customer messages, so it judges what the agent answered.
// Its own accuracy on the held-out reference replies is reported beside the model's, so a reader
// sees how far the judge itself can be trusted.
import { WrenError } from '../errors.ts';
import { dot, TfidfVectorizer, type SparseRow } from './tfidf.ts';

export class IntentJudge {
  private constructor(private vectorizer: TfidfVectorizer, readonly labels: string[], private centroids: SparseRow[]) {}

  static train(replies: { text: string; label: string }[]): IntentJudge {
    if (replies.length === 0) throw new WrenError('intent judge: no labelled replies to train on');
    const vectorizer = TfidfVectorizer.fit(replies.map((r) => r.text));
    const labels = [...new Set(replies.map((r) => r.label))].sort();
    const sums = labels.map(() => new Map<number, number>());
    for (const r of replies) {
      const c = sums[labels.indexOf(r.label)];
      for (const [k, v] of vectorizer.transform(r.text)) c.set(k, (c.get(k) ?? 0) + v);
    }
    for (const c of sums) {
      const norm = Math.sqrt([...c.values()].reduce((s, v) => s + v * v, 0));
      for (const [k, v] of c) c.set(k, v / norm);
    }
    return new IntentJudge(vectorizer, labels, sums);
  }

  /** The intent a reply is about (the first label, in sorted order, when nothing matches). */
  judge(reply: string): string {
    const x = this.vectorizer.transform(reply);
    let best = 0, bestScore = -1;
    this.centroids.forEach((c, i) => { const s = dot(x, c); if (s > bestScore) { best = i; bestScore = s; } });
    return this.labels[best];
  }
}
