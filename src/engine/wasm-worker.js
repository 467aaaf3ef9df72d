// A kernel thread of the WASM backend under Node (plain JS: workers load without the TypeScript
// loader). The thread's work is wasm-thread.js, shared with the browser host.
import { parentPort, workerData } from 'node:worker_threads';
import { kernelThreadMain } from './wasm-thread.js';

kernelThreadMain(workerData, () => parentPort.postMessage('ready'));
