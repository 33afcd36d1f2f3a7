// Bundle entry.js with esbuild into <outdir>/plotly-custom.<sha256:12>.min.js (+ .gz, .br),
// then write <outdir>/manifest.json (last, so a half-written folder is never used).
// Usage: node build.mjs <outdir>      (run by `make plotly-bundle` after `npm ci`)
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const outdir = process.argv[2];
if (!outdir) {
    console.error('usage: node build.mjs <outdir>');
    process.exit(2);
}
const plotlyjs = require('plotly.js/package.json').version;
const esbuildVersion = require('esbuild/package.json').version;

const result = await build({
    entryPoints: [join(here, 'entry.js')],
    absWorkingDir: here,
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',           // `var Plotly = ...`: window.Plotly, as plotly.min.js
    platform: 'browser',
    target: 'es2016',               // what plotly.js's own esbuild config targets
    define: { global: 'window', 'define.amd': 'false' },
    loader: { '.css': 'empty' },    // src/registry.js requires maplibre-gl.css (map traces only)
    legalComments: 'none',
    banner: { js: `/*! plotly.js v${plotlyjs} (core, bar, choropleth, scattergeo) | MIT */` },
    write: false,
    metafile: true,
    logLevel: 'warning',
});

const code = result.outputFiles[0].contents;
const sha256 = createHash('sha256').update(code).digest('hex');
const integrity = 'sha384-' + createHash('sha384').update(code).digest('base64');
const file = `plotly-custom.${sha256.slice(0, 12)}.min.js`;
const gz = gzipSync(code, { level: 9 });
const br = brotliCompressSync(code, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
});

mkdirSync(outdir, { recursive: true });
for (const name of readdirSync(outdir)) {
    if (name.startsWith('plotly-custom.') || name === 'manifest.json') rmSync(join(outdir, name));
}
writeFileSync(join(outdir, file), code);
writeFileSync(join(outdir, file + '.gz'), gz);
writeFileSync(join(outdir, file + '.br'), br);
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
const manifest = {
    file, plotlyjs, esbuild: esbuildVersion, traces: ['scatter', 'bar', 'choropleth', 'scattergeo'],
    sha256, integrity, bytes: code.length, gzip: gz.length, brotli: br.length,
};
writeFileSync(join(outdir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`${file}: ${code.length} B, gzip ${gz.length} B, br ${br.length} B`);
