// Normalisation and charset sanity: Unicode NFC, CRLF → LF, control characters removed, and
// documents that are mostly mojibake (U+FFFD replacement characters) or empty dropped.
import { KEEP, drop, type FilterDoc, type StageVerdict } from '../document.ts';
import { checkOneOf, checkRange, type FilterStage, type StageFactory } from '../stage.ts';

export interface NormalizeOptions {
  /** 'NFC' | 'NFKC' | 'none'. */
  unicode: string;
  /** Drop when U+FFFD (a decoding failure upstream) is more than this fraction of characters. */
  maxReplacementFraction: number;
  /** Drop when C0/C1 control characters (other than \t \n) exceed this fraction; otherwise strip them. */
  maxControlFraction: number;
  /** Trim each line's trailing spaces and the document's leading/trailing blank lines. */
  trim: boolean;
  minChars: number;
  maxChars: number;
}

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

class NormalizeStage implements FilterStage {
  readonly kind = 'normalize';
  constructor(readonly name: string, private o: NormalizeOptions) {}

  apply(doc: FilterDoc): StageVerdict {
    let t = doc.text;
    if (t.length > this.o.maxChars) return drop('too_long', `${t.length} chars > ${this.o.maxChars}`);
    let replacement = 0, control = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 0xfffd) replacement++;
      else if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || (c >= 0x7f && c <= 0x9f)) control++;
    }
    const n = Math.max(1, t.length);
    if (replacement / n > this.o.maxReplacementFraction) {
      return drop('bad_charset', `${((100 * replacement) / n).toFixed(1)}% U+FFFD replacement characters`);
    }
    if (control / n > this.o.maxControlFraction) return drop('control_chars', `${((100 * control) / n).toFixed(1)}% control characters`);
    if (t.indexOf('\r') >= 0) t = t.replace(/\r\n?/g, '\n');
    if (control > 0) t = t.replace(CONTROL, '');
    if (this.o.unicode !== 'none') t = t.normalize(this.o.unicode as 'NFC' | 'NFKC');
    if (this.o.trim) {
      if (/[ \t]\n|[ \t]$/.test(t)) t = t.replace(/[ \t]+$/gm, ''); // search first: most lines end cleanly
      if (t.charCodeAt(0) === 10 || t.charCodeAt(t.length - 1) === 10) t = t.replace(/^\n+|\n+$/g, '');
    }
    if (t.length < this.o.minChars) return drop('empty', `${t.length} chars after normalisation`);
    doc.text = t;
    return KEEP;
  }
}

export const normalizeStage: StageFactory<NormalizeOptions> = {
  kind: 'normalize',
  summary: 'Unicode NFC, CRLF→LF, control characters stripped; drops mojibake and empty documents',
  defaults: { unicode: 'NFC', maxReplacementFraction: 0.01, maxControlFraction: 0.01, trim: true, minChars: 1, maxChars: 1_000_000 },
  create(name, o) {
    const where = `stage '${name}'`;
    checkOneOf(where, 'unicode', o.unicode, ['NFC', 'NFKC', 'none']);
    checkRange(where, 'maxReplacementFraction', o.maxReplacementFraction, 0, 1);
    checkRange(where, 'maxControlFraction', o.maxControlFraction, 0, 1);
    return new NormalizeStage(name, o);
  },
};
