// Every user-visible string of the console has both translations: each entry of
// web/src/i18n.ts has a non-empty zh and en, and every key the code asks for (t('…'), and the
// families it builds keys from, `stage.${…}`) is there.
import fs from 'node:fs';
import path from 'node:path';

const [webDir] = process.argv.slice(2);
const source = fs.readFileSync(path.join(webDir, 'src/i18n.ts'), 'utf8');
const failures = [];

// A string literal in either quote: '…' or "…".
const STR = `(?:'((?:[^'\\\\]|\\\\.)*)'|"((?:[^"\\\\]|\\\\.)*)")`;
const declared = [...source.matchAll(new RegExp(`^\\s+${STR}: \\{`, 'gm'))].map((m) => m[1] ?? m[2]);
const complete = new Map();
const entry = new RegExp(`${STR}: \\{\\s*zh: ${STR},\\s*en: ${STR},?\\s*\\}`, 'g');
for (const m of source.matchAll(entry)) {
  complete.set(m[1] ?? m[2], { zh: m[3] ?? m[4], en: m[5] ?? m[6] });
}
for (const key of declared) {
  const entry = complete.get(key);
  if (!entry) failures.push(`${key}: not both zh and en`);
  else if (!entry.zh.trim() || !entry.en.trim()) failures.push(`${key}: an empty translation`);
}
if (new Set(declared).size !== declared.length) failures.push('a key is declared twice');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []);
}
let used = 0;
for (const file of walk(path.join(webDir, 'src'))) {
  const code = fs.readFileSync(file, 'utf8');
  for (const m of code.matchAll(/\bt\(\s*'([\w.]+)'/g)) {
    used++;
    if (!complete.has(m[1])) failures.push(`${path.basename(file)}: t('${m[1]}') has no entry`);
  }
  for (const m of code.matchAll(/\bt\(\s*`([\w.]+)\$\{/g)) {
    used++;
    if (![...complete.keys()].some((k) => k.startsWith(m[1]))) failures.push(`${path.basename(file)}: no ${m[1]}* keys`);
  }
  // Keys named in tables of [key, …] pairs (navigation, list columns).
  for (const m of code.matchAll(/\[\s*'([a-z]+\.[\w.]+)'\s*,/g)) {
    if (!complete.has(m[1])) failures.push(`${path.basename(file)}: '${m[1]}' has no entry`);
  }
}
for (const f of failures) console.log(`not ok - ${f}`);
console.log(`${declared.length} strings, ${used} uses; ${failures.length} problems`);
process.exit(failures.length || declared.length < 50 || used < 50 ? 1 : 0);
