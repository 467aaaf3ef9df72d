// RouteLLM's metrics against values worked out by hand on a ten-prompt table (and checked with
// numpy's interp and trapz): the oracle's curve, APGR and CPT; a constant router; the ends of
// every curve; random ≈ 0.5 on a large table; the calibrated threshold's strong share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdForShare } from '../../src/router/calibrate.ts';
import { accuracyOf, bootstrapApgr, curveMetrics, evaluateScores, interp, optimalAccuracy, quantile, randomCurve, routerCurve, type Outcome } from '../../src/router/metrics.ts';
import { randomScore } from '../../src/router/policies/random.ts';
import { mulberry32 } from '../../src/util/rng.ts';

// (weak correct, strong correct): weak 5/10 = 50 %, strong 7/10 = 70 %; rows 3, 4 and 8 need the strong model.
const T = true, F = false;
const table: Outcome[] = [[T, T], [T, T], [F, T], [F, T], [T, F], [F, F], [T, T], [F, T], [T, T], [F, F]].map(([weak, strong]) => ({ weak, strong }));
const oracle = table.map((r) => (r.strong && !r.weak ? 1 : 0));

test('pandas-style linear quantiles', () => {
  const s = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
  assert.deepEqual([0, 0.6, 0.7, 0.8, 1].map((q) => +quantile(s, q).toFixed(12)), [0, 0, 0.3, 1, 1]); // h = 9q: 6.3 → 0 + 0.3·(1 − 0)
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
});

test('the oracle router: its curve, AUC 72, APGR 1.1, CPT 4/10/16 % by hand', () => {
  assert.equal(accuracyOf(table, 'weak'), 50);
  assert.equal(accuracyOf(table, 'strong'), 70);
  const pts = routerCurve(oracle, table);
  assert.equal(pts.length, 11);
  // thresholds 0 (7×: all to strong), 0.3 and 1 (the three that need it), then > 1 (none)
  assert.deepEqual(pts.map((p) => [p.strongShare, p.accuracy]), [...Array(7).fill([100, 70]), [30, 80], [30, 80], [30, 80], [0, 50]]);
  const m = curveMetrics(pts, 50, 70);
  // trapz over (0, 50) (0.3, 80) (1, 70): 0.3·130/2 + 0.7·150/2 = 19.5 + 52.5
  assert.ok(Math.abs(m.auc - 72) < 1e-9, String(m.auc));
  assert.ok(Math.abs(m.apgr - 1.1) < 1e-9, String(m.apgr)); // (72 − 50) / (70 − 50)
  // 20 % of the gap is accuracy 54, reached at 4/30 of the way to 30 % strong calls (numpy.interp gives 4, 10, 16)
  assert.ok(Math.abs(m.cpt20 - 4) < 1e-9 && Math.abs(m.cpt50 - 10) < 1e-9 && Math.abs(m.cpt80 - 16) < 1e-9, JSON.stringify(m));
});

test('a constant router is the straight line from weak to strong: APGR 0.5', () => {
  const m = evaluateScores(table.map(() => 0.42), table);
  assert.deepEqual([m.points[0].strongShare, m.points[0].accuracy], [100, 70]);
  assert.deepEqual([m.points[10].strongShare, m.points[10].accuracy], [0, 50]);
  assert.equal(m.auc, 60);
  assert.equal(m.apgr, 0.5);
  assert.equal(m.cpt50, 50);
});

test('every curve runs from all-weak (0 %, weak accuracy) to all-strong (100 %, strong accuracy)', () => {
  const rand = mulberry32(3);
  const scores = table.map(() => rand());
  const pts = routerCurve(scores, table);
  assert.deepEqual([pts[0].strongShare, pts[0].accuracy], [100, 70]);
  assert.deepEqual([pts[10].strongShare, pts[10].accuracy], [0, 50]);
  const shares = pts.map((p) => p.strongShare);
  assert.deepEqual(shares, [100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0]); // distinct scores: one decile each
});

test('the optimal line: weak-correct plus as many only-strong prompts as the calls allow', () => {
  assert.equal(optimalAccuracy(table, 0), 50);
  assert.equal(optimalAccuracy(table, 0.2), 70);
  assert.equal(optimalAccuracy(table, 0.3), 80);
  assert.equal(optimalAccuracy(table, 1), 80);
});

test('numpy.interp at and beyond the ends', () => {
  assert.equal(interp(0, [1, 2], [10, 20]), 10);
  assert.equal(interp(3, [1, 2], [10, 20]), 20);
  assert.equal(interp(2, [1, 2], [10, 20]), 20);
  assert.equal(interp(1.25, [1, 2], [10, 20]), 12.5);
});

// A large table where the weak model is right on 60 % and the strong one on 80 %.
function bigTable(n: number, seed: number): Outcome[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const u = rand();
    return { weak: u < 0.6, strong: u < 0.5 || u >= 0.6 ? u < 0.8 || u >= 0.95 : false };
  });
}

test('random routing has APGR ≈ 0.5 (RouteLLM\'s averaged baseline, and the seeded random policy)', () => {
  const rows = bigTable(4000, 7);
  const weak = accuracyOf(rows, 'weak'), strong = accuracyOf(rows, 'strong');
  assert.ok(strong - weak > 10);
  const averaged = curveMetrics(randomCurve(rows, 10, 5), weak, strong);
  assert.ok(Math.abs(averaged.apgr - 0.5) < 0.03, String(averaged.apgr));
  const hashed = evaluateScores(rows.map((_, i) => randomScore(`prompt ${i}`, 1)), rows);
  assert.ok(Math.abs(hashed.apgr - 0.5) < 0.05, String(hashed.apgr));
  const oracleApgr = evaluateScores(rows.map((r) => (r.strong && !r.weak ? 1 : 0)), rows).apgr;
  const b = bootstrapApgr(rows.map((r) => (r.strong && !r.weak ? 1 : 0)), rows, 100, 2);
  assert.ok(b.low <= oracleApgr && oracleApgr <= b.high && b.lowOverRandom > 0.3, JSON.stringify(b));
});

test('calibration: the threshold sends the asked share to the strong model', () => {
  const rand = mulberry32(11);
  const scores = Array.from({ length: 1000 }, () => rand());
  for (const share of [0, 0.2, 0.5, 0.8, 1]) {
    const t = thresholdForShare(scores, share);
    const got = scores.filter((s) => s >= t).length / scores.length;
    assert.ok(Math.abs(got - share) <= 0.002, `${share}: ${got}`);
  }
  assert.throws(() => thresholdForShare(scores, 1.5), /strong-share must be in \[0, 1\]/);
  for (const few of [[0.3, 0.7], [0.5], [1, 0.5, 0.25]]) assert.equal(few.filter((s) => s >= thresholdForShare(few, 0)).length, 0); // 0 is none, even of two
});
