// Placeholder fidelity for support replies: Bitext's replies carry slots such as
// `{{Order Number}}` that the serving system fills in. A faithful reply keeps the slots the
// reference reply uses (recall) and invents none the reference does not (no invented slot). A reply
// is "faithful" when it invents none and keeps every reference slot; a reference without slots
// asks only that none be invented. Bitext's replies of one intent vary in which slots they use, so
// a second, looser check is kept too: `unknown` lists the reply's slots that no training reply uses
// (a made-up slot the serving system cannot fill).

export type PlaceholderCheck = { kept: number; expected: number; invented: string[]; unknown: string[]; faithful: boolean };

const SLOT = /\{\{([^{}]+)\}\}/g;

/** The distinct slot names in a text, in order of first use. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(SLOT)].map((m) => m[1].trim()))];
}

export function checkPlaceholders(reply: string, reference: string, known?: ReadonlySet<string>): PlaceholderCheck {
  const got = new Set(placeholders(reply)), want = placeholders(reference), wantSet = new Set(want);
  const kept = want.filter((p) => got.has(p)).length;
  const invented = [...got].filter((p) => !wantSet.has(p));
  const unknown = known ? [...got].filter((p) => !known.has(p)) : [];
  return { kept, expected: want.length, invented, unknown, faithful: invented.length === 0 && kept === want.length };
}
