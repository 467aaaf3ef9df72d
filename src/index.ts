// Wren's public API. Each subsystem adds its exports here.
export { WrenError } from './errors.ts';
export type { Tokenizer, EncodeOptions, SpecialTokenMode } from './tokenizer/tokenizer.ts';
export { Llama2cTokenizer, runcPrintable } from './tokenizer/llama2c-tokenizer.ts';
export { Utf8Stream, utf8Chunks } from './tokenizer/utf8-stream.ts';
