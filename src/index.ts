// Wren's public API. Each subsystem adds its exports here.
export { WrenError } from './errors.ts';
