// `npm run build` after codegen: a fresh dist/ (no modules left over from moved or deleted sources),
// tsc, the files read at run time next to the compiled code, and a stamp that `npm start` compares
// with the sources. The schema stays in schema/ (dist/graphql reads ../../schema).
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('../', import.meta.url);
const dist = new URL('dist/', root);

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

// The simulator's sample videos (src/simulator/catalog.ts reads ./assets/ beside itself).
cpSync(new URL('src/simulator/assets/', root), new URL('simulator/assets/', dist), { recursive: true });
writeFileSync(new URL('.build-complete', dist), `${new Date().toISOString()}\n`);
