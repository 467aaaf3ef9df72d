// The tokenizer files of an HF folder, for either kind of Wren tokenizer:
//   byte-level BPE         tokenizer.json (PreTrainedTokenizerFast reads it; so does Wren)
//   llama2.c SentencePiece tokenizer.bin (Wren reads it) and tokenizer.model (LlamaTokenizer reads it)
//
// tokenizer.bin (llama2.c's tokenizer.py export): i32 max_token_length, then per token
//   f32 score, i32 byte length, bytes (SentencePiece's '▁' written as a space; BOS/EOS as "\n<s>\n", "\n</s>\n").
// tokenizer.model is SentencePiece's ModelProto (protobuf), only the fields a BPE model needs:
//   1 pieces (repeated):  1 piece (string), 2 score (float), 3 type (1 normal, 2 unknown, 3 control, 6 byte)
//   2 trainer_spec:       3 model_type (2 = BPE), 4 vocab_size, 35 byte_fallback, 40 unk_id, 41 bos_id, 42 eos_id, 43 pad_id (-1)
//   3 normalizer_spec:    1 name "identity", 3 add_dummy_prefix, 4 remove_extra_whitespaces, 5 escape_whitespaces
// exactly as Llama's and llama2.c's tok512.model set them (add a space prefix, keep spaces as '▁').
import { WrenError } from '../errors.ts';
import { BpeTokenizer } from '../tokenizer/bpe-tokenizer.ts';
import { bpeSpecToJson } from '../tokenizer/hf-tokenizer-json.ts';
import { LLAMA2C_BOS, LLAMA2C_EOS, LLAMA2C_UNK, Llama2cTokenizer } from '../tokenizer/llama2c-tokenizer.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';

/** [file name, bytes] of the tokenizer files an HF folder holds for `t`. */
export function hfTokenizerFiles(t: Tokenizer): [string, Uint8Array][] {
  if (t instanceof BpeTokenizer) return [['tokenizer.json', new TextEncoder().encode(JSON.stringify(bpeSpecToJson(t.spec), null, 2) + '\n')]];
  if (t instanceof Llama2cTokenizer) return [['tokenizer.bin', encodeLlama2cTokenizer(t)], ['tokenizer.model', encodeSentencePieceModel(t)]];
  throw new WrenError('an HF folder needs a byte-level BPE tokenizer (tokenizer.json) or a llama2.c tokenizer.bin');
}

export function encodeLlama2cTokenizer(t: Llama2cTokenizer): Uint8Array {
  const size = 4 + t.pieces.reduce((n, p) => n + 8 + p.length, 0);
  const out = new Uint8Array(size), dv = new DataView(out.buffer);
  dv.setInt32(0, t.maxTokenLength, true);
  let at = 4;
  t.pieces.forEach((p, id) => {
    dv.setFloat32(at, t.scores[id], true);
    dv.setInt32(at + 4, p.length, true);
    out.set(p, at + 8);
    at += 8 + p.length;
  });
  return out;
}

// ---- a minimal protobuf writer: varints, length-delimited fields, fixed32 floats --------------

class Proto {
  private parts: number[] = [];
  private varint(v: number): void {
    let x = BigInt.asUintN(64, BigInt(v)); // negative int32s are ten-byte varints
    do {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      this.parts.push(x ? b | 0x80 : b);
    } while (x);
  }
  int(field: number, v: number): this { this.varint(field << 3); this.varint(v); return this; }
  bool(field: number, v: boolean): this { return this.int(field, v ? 1 : 0); }
  float(field: number, v: number): this {
    this.varint((field << 3) | 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.parts.push(...b);
    return this;
  }
  bytes(field: number, v: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(v.length);
    for (const x of v) this.parts.push(x);
    return this;
  }
  string(field: number, s: string): this { return this.bytes(field, new TextEncoder().encode(s)); }
  message(field: number, m: Proto): this { return this.bytes(field, m.finish()); }
  finish(): Uint8Array { return Uint8Array.from(this.parts); }
}

const SP_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 };

export function encodeSentencePieceModel(t: Llama2cTokenizer): Uint8Array {
  const model = new Proto();
  const fixed: Record<number, [string, number]> = { [LLAMA2C_UNK]: ['<unk>', SP_TYPE.unknown], [LLAMA2C_BOS]: ['<s>', SP_TYPE.control], [LLAMA2C_EOS]: ['</s>', SP_TYPE.control] };
  t.pieces.forEach((p, id) => {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(p);
    } catch {
      throw new WrenError(`${t.source}: token ${id} is not valid UTF-8, which a SentencePiece piece must be`);
    }
    const [piece, type] = fixed[id] ?? [text.replaceAll(' ', '\u2581'), /^<0x[0-9A-F]{2}>$/.test(text) && id < 259 ? SP_TYPE.byte : SP_TYPE.normal];
    model.message(1, new Proto().string(1, piece).float(2, t.scores[id]).int(3, type));
  });
  model.message(2, new Proto().int(3, 2).int(4, t.vocabSize).bool(35, true).int(40, LLAMA2C_UNK).int(41, LLAMA2C_BOS).int(42, LLAMA2C_EOS).int(43, -1));
  model.message(3, new Proto().string(1, 'identity').bool(3, true).bool(4, false).bool(5, true));
  return model.finish();
}
