// Prints the dashboard's transfer size: wasm, JS and CSS, raw, gzip and brotli.
// Usage: node scripts/sizes.mjs dist
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "dist";
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KB";
let total = { raw: 0, gzip: 0, brotli: 0 };
console.log("file".padEnd(48) + "raw".padStart(11) + "gzip".padStart(11) + "brotli".padStart(11));
for (const name of readdirSync(dir).filter((f) => /\.(wasm|js|css)$/.test(f)).sort()) {
  const data = readFileSync(join(dir, name));
  const sizes = {
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  for (const k in total) total[k] += sizes[k];
  console.log(name.padEnd(48) + kb(sizes.raw) + kb(sizes.gzip) + kb(sizes.brotli));
}
console.log("total".padEnd(48) + kb(total.raw) + kb(total.gzip) + kb(total.brotli));
