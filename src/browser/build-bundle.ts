// Builds the `wren/browser` bundle: src/browser/index.ts and everything it imports as one ESM
// file, with the WASM kernels inlined (base64) so nothing else has to be served beside it. Runs
// in Node (esbuild's JS API): `npm run build` writes it to dist/, and the playground routes build
// it on demand and keep it in memory, so `wren serve` needs no build step.
//
// Modules shared with Node import node:fs and friends for their path-based functions; the bundle
// gets, for each such builtin, a module whose every export throws "Node-only" when called (the
// browser never calls them: it uses the byte-based entry points). Node-only engine files reached
// only through dynamic imports under a Node check (the Node kernel host, the native addon) become
// a module that throws if it is ever evaluated.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const srcDir = fileURLToPath(new URL('../', import.meta.url));
const entry = fileURLToPath(new URL('./index.ts', import.meta.url));
/** Sources (relative to src/) that only ever run under Node. */
const NODE_ONLY_FILES = ['engine/wasm-node.ts', 'engine/native-backend.ts'];

type EsbuildPlugin = import('esbuild').Plugin;

function nodeOnlyPlugin(): EsbuildPlugin {
  return {
    name: 'wren-node-only',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-builtin' }));
      build.onLoad({ filter: /.*/, namespace: 'node-builtin' }, async (args) => {
        const names = Object.keys(await import(args.path)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
        const fail = `() => { throw new Error('${args.path} is Node-only: not available in the browser bundle'); }`;
        return { contents: `const fail = ${fail};\n${names.map((n) => `export const ${n} = fail;`).join('\n')}\nexport default {};\n`, loader: 'js' };
      });
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        const rel = args.path.startsWith(srcDir) ? args.path.slice(srcDir.length).replaceAll('\\', '/') : '';
        if (!NODE_ONLY_FILES.includes(rel)) return undefined;
        return { contents: `throw new Error('${rel} is Node-only: not available in the browser bundle');\n`, loader: 'js' };
      });
    },
  };
}

function kernelBase64(file: string): string {
  return readFileSync(new URL(`../kernels/wasm/${file}`, import.meta.url)).toString('base64');
}

/** The bundle's JavaScript text; `entry` bundles another module the same way (bench/browser.ts's worker). */
export async function buildBrowserBundle(opts: { minify?: boolean; entry?: string } = {}): Promise<string> {
  const esbuild = await import('esbuild');
  const kernels = { relaxed: kernelBase64('kernels-relaxed.wasm'), plain: kernelBase64('kernels.wasm') };
  const result = await esbuild.build({
    entryPoints: [opts.entry ?? entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: opts.minify ?? false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { WREN_INLINE_KERNELS: JSON.stringify(kernels) },
    banner: { js: '// wren/browser: Wren\'s engine for the browser (built from src/browser/index.ts by esbuild)' },
    plugins: [nodeOnlyPlugin()],
  });
  return result.outputFiles[0].text;
}

let cached: Promise<string> | undefined;
/** Built once per process and kept in memory (the playground routes serve this). The compiled
 *  package (dist/) has no TypeScript entry to build from: it serves the bundle `npm run build` made. */
export function browserBundle(): Promise<string> {
  const prebuilt = new URL('../wren-browser.js', import.meta.url);
  const fromSource = import.meta.url.endsWith('.ts');
  cached ??= (fromSource ? buildBrowserBundle() : Promise.resolve(readFileSync(prebuilt, 'utf8')))
    .catch((err) => { cached = undefined; throw err; });
  return cached;
}
