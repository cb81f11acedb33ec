import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const r = await build({ stdin: { contents: "export { WebSocket } from './dist/index.js'", resolveDir: process.cwd() }, bundle: true, minify: true, format: 'esm', write: false, metafile: true });
const out = r.outputFiles[0].contents;
console.log('min', out.length, 'gzip', gzipSync(out, {level: 9}).length);
