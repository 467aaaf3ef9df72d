// The retrieval index and the intent judge on small hand-made sets where the answer is clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntentJudge } from '../../src/tasks/intent-judge.ts';
import { dot, TfidfIndex, TfidfVectorizer } from '../../src/tasks/tfidf.ts';

test('TF-IDF rows are L2-normalised with smooth idf; the index finds the nearest input', () => {
  // docs "a b", "a c": idf(a) = ln(3/3)+1 = 1, idf(b) = idf(c) = ln(3/2)+1; bigrams "a b", "a c" likewise
  const v = TfidfVectorizer.fit(['a b', 'a c']);
  const row = v.transform('a b');
  const w = Math.log(1.5) + 1, norm = Math.sqrt(1 + 2 * w * w);
  assert.deepEqual([...row.values()].map((x) => +x.toFixed(12)), [1 / norm, w / norm, w / norm].map((x) => +x.toFixed(12)));
  assert.ok(Math.abs(dot(row, row) - 1) < 1e-12);
  const index = new TfidfIndex(['how do I cancel my order', 'track my refund please', 'change my delivery address']);
  assert.equal(index.nearest('I want to cancel an order').doc, 0);
  assert.equal(index.nearest('where is my refund').doc, 1);
  assert.equal(index.nearest('zzz').score, 0);
});

test('the intent judge picks the intent whose replies a text resembles', () => {
  const judge = IntentJudge.train([
    { text: 'To cancel your order go to {{Order Details}} and press cancel', label: 'cancel_order' },
    { text: 'Your order can be cancelled from the cancel button', label: 'cancel_order' },
    { text: 'Your refund status is shown under {{Refund Tracking}}', label: 'track_refund' },
    { text: 'Refunds take a few days; track the refund online', label: 'track_refund' },
  ]);
  assert.deepEqual(judge.labels, ['cancel_order', 'track_refund']);
  assert.equal(judge.judge('press the cancel button on your order'), 'cancel_order');
  assert.equal(judge.judge('you can track your refund'), 'track_refund');
});
