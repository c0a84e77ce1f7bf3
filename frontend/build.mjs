// Build the map component into src/mapviz/map_component/ (committed, so that running mapviz
// needs no Node.js): `npm ci && npm run build` here, or `make frontend` at the top.
//
// The bundle's first line holds the SHA-256 of the sources it was built from;
// tests/test_frontend.py checks it against the sources, so a change to them that was not
// rebuilt fails the tests. loaders.gl (under deck.gl) names a CDN as the place to fetch its
// workers from; the map loads no workers (its data files are fetched by layerdata.js), and
// mapviz fetches nothing from outside the machine, so that address is taken out of the bundle,
// and the build stops if the bundle names any other host than those of NAMED_HOSTS.
import {createHash} from 'node:crypto';
import {copyFileSync, readFileSync, readdirSync, writeFileSync, mkdirSync} from 'node:fs';
import {build} from 'esbuild';

const OUT = '../src/mapviz/map_component';
// Every file of src/ counts, so that a new one cannot be left out of the hash.
const SOURCES = ['package.json', 'package-lock.json', 'build.mjs',
  ...readdirSync('src').sort().map((name) => `src/${name}`)];

export function sourcesHash() {
  const hash = createHash('sha256');
  for (const name of SOURCES) hash.update(`${name}\n`).update(readFileSync(name));
  return hash.digest('hex');
}

mkdirSync(OUT, {recursive: true});
const result = await build({
  entryPoints: ['src/index.js'], bundle: true, minify: true, format: 'iife', target: 'es2020',
  legalComments: 'none', write: false,
});
let code = result.outputFiles[0].text;
// loaders.gl's CDN for its workers, and the hosts the bundle may name (in error messages).
const cdn = /https:\/\/[a-z0-9.-]+(?=\/@loaders\.gl)/g;
const NAMED_HOSTS = new Set(['en.wikipedia.org']);
console.log(`CDN addresses taken out: ${(code.match(cdn) || []).length}`);
code = code.replace(cdn, '/no-cdn');
for (const [, host] of code.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)) {
  if (!NAMED_HOSTS.has(host)) throw new Error(`the bundle names ${host}`);
}
writeFileSync(`${OUT}/bundle.js`, `/* mapviz map component; sources sha256 ${sourcesHash()} */\n${code}`);
copyFileSync('src/index.html', `${OUT}/index.html`);
console.log(`bundle: ${code.length} bytes`);
