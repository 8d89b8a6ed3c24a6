// Measures the initial JavaScript of the built app — the entry script of dist/index.html plus every chunk it
// imports statically (what the browser must load before the first screen) — gzipped, and fails above the
// budget. Lazily loaded role areas (dynamic imports) are listed but not counted.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KIB = 200;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const entries = [
  ...[...html.matchAll(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g)].map((m) => m[1]),
  ...[...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g)].map((m) => m[1]),
];
if (entries.length === 0) {
  console.error('check-bundle: no module script in dist/index.html');
  process.exit(1);
}

const gzipSize = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const initial = new Set();
const queue = [...entries];
while (queue.length) {
  const file = queue.shift();
  if (initial.has(file)) continue;
  initial.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  // Static imports only: `import … from "./x.js"` and `import "./x.js"`; import("./x.js") is lazy.
  for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*)["'](\.\/[^"']+\.js)["']/g)) {
    queue.push(join(dirname(file), match[1]));
  }
}

let total = 0;
for (const file of initial) {
  const size = gzipSize(file);
  total += size;
  console.log(`initial  ${(size / 1024).toFixed(2).padStart(7)} KiB gz  ${file}`);
}
const lazy = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js') && !initial.has(`assets/${f}`));
const lazyTotal = lazy.reduce((sum, f) => sum + gzipSize(`assets/${f}`), 0);
console.log(
  `lazy     ${(lazyTotal / 1024).toFixed(2).padStart(7)} KiB gz  in ${lazy.length} chunks (role areas, loaded on demand)`,
);
console.log(`initial JS total: ${(total / 1024).toFixed(2)} KiB gzipped (budget ${BUDGET_KIB} KiB)`);
if (total > BUDGET_KIB * 1024) {
  console.error(`check-bundle: the initial JS is over the ${BUDGET_KIB} KiB budget`);
  process.exit(1);
}
