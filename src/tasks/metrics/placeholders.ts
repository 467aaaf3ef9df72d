// Placeholder fidelity for support replies. Bitext's replies carry slots such as `{{Order Number}}`
// that the serving system fills in, and the customer's message carries the case's own details (an
// order number, an amount). A faithful reply makes up nothing the serving system or the customer
// must supply:
//   - every slot is one the serving system knows (a slot some training reply uses: `unknown` lists
//     the others) and none is broken (a stray `{{` or `}}`: `malformed`);
//   - every specific detail it writes out, a number of three or more digits (a year or a piece of
//     a phone number too) or an amount after a currency sign, is one the customer's message holds (`madeUp` lists the others: an invoice
//     number from another case, a refund of $299 when the customer asked about $160).
// A second, stricter check compares with the one reference reply: `asReference` when the reply
// keeps every slot the reference uses and invents none (`invented`). Bitext's replies of one
// intent vary in which slots they use, so even a real reply of the right intent often fails it.

export type PlaceholderCheck = {
  kept: number; expected: number; invented: string[]; asReference: boolean;
  unknown: string[]; malformed: boolean; madeUp: string[]; faithful: boolean;
};

const SLOT = /\{\{([^{}]+)\}\}/g;
const DETAIL = /[$€£]\s?\d+(?:[.,]\d+)*|\d{1,3}(?:,\d{3})+|\d{3,}/g;
const NUMBER = /\d+(?:[.,]\d+)*/g;
const digits = (n: string) => n.replace(/\D/g, ''); // "$1,200" is the customer's "1200"

/** The distinct slot names in a text, in order of first use. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(SLOT)].map((m) => m[1].trim()))];
}

/** The specific details (long numbers, amounts) a text writes out, outside its slots. */
export function details(text: string): string[] {
  return [...new Set(text.replace(SLOT, ' ').match(DETAIL) ?? [])];
}

/** `known`: the slots the serving system fills (omit it to skip that check); `message`: the
 *  customer's message, the only source of specific details. */
export function checkPlaceholders(reply: string, reference: string, known?: ReadonlySet<string>, message = ''): PlaceholderCheck {
  const got = new Set(placeholders(reply)), want = placeholders(reference), wantSet = new Set(want);
  const kept = want.filter((p) => got.has(p)).length;
  const invented = [...got].filter((p) => !wantSet.has(p));
  const unknown = known ? [...got].filter((p) => !known.has(p)) : [];
  const malformed = /\{\{|\}\}/.test(reply.replace(SLOT, ' '));
  const given = new Set((message.match(NUMBER) ?? []).map(digits)); // "$160" is faithful to "160 dollars"
  const madeUp = details(reply).filter((d) => !given.has(digits(d)));
  return {
    kept, expected: want.length, invented, asReference: invented.length === 0 && kept === want.length,
    unknown, malformed, madeUp, faithful: unknown.length === 0 && !malformed && madeUp.length === 0,
  };
}
