// Types for wasm-thread.js (plain JS: a Node worker loads it without the TypeScript loader).
import type { WorkerInit } from './wasm-host.ts';

export function kernelThreadMain(init: WorkerInit, ready: () => void): void;
