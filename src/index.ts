// Wren's public API. Each subsystem adds its exports here.
export { WrenError } from './errors.ts';
export type { Tokenizer, EncodeOptions, SpecialTokenMode } from './tokenizer/tokenizer.ts';
export { Llama2cTokenizer, runcPrintable } from './tokenizer/llama2c-tokenizer.ts';
export { Utf8Stream, utf8Chunks } from './tokenizer/utf8-stream.ts';
export { BpeTokenizer, type BpeSpec } from './tokenizer/bpe-tokenizer.ts';
export { loadGpt2Tokenizer } from './tokenizer/gpt2-files.ts';
export { loadTokenizerJson, saveTokenizerJson, bpeSpecToJson, bpeSpecFromJson } from './tokenizer/hf-tokenizer-json.ts';
export { loadTokenizer } from './tokenizer/load-tokenizer.ts';
export { trainTokenizer, trainTokenizerFromFiles, type TrainTokenizerOptions, type TrainTokenizerResult } from './tokenizer/train-tokenizer.ts';
export { trainBpeFromCounts, type BpeTrainOptions, type TieBreak } from './tokenizer/bpe-trainer.ts';
export { countPreTokens } from './tokenizer/pretoken-count.ts';
export { PRE_TOKENIZERS, GPT2_PATTERN, LLAMA3_PATTERN, type PreTokenizerSpec } from './tokenizer/pretokenizer.ts';
export { BpeEncoderPool, encodeBatch } from './tokenizer/batch-encode.ts';
export { BYTE_TO_CHAR, bytesToByteLevel, byteLevelToBytes } from './tokenizer/byte-level.ts';
