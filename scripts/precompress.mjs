// Writes NAME.br (brotli, quality 11) and NAME.gz (gzip, level 9) beside each of the
// dashboard's built files, so the server sends them as they are instead of compressing
// on every request at a fast, weaker level. Trunk runs it after a release build (see
// Trunk.toml); `node scripts/precompress.mjs DIR` does it by hand.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("usage: node scripts/precompress.mjs DIR (or run as a Trunk hook)");
  process.exit(2);
}
if (process.env.TRUNK_PROFILE === "debug") {
  process.exit(0);
}
for (const name of readdirSync(dir).filter((f) => /\.(wasm|js|css|svg)$/.test(f))) {
  const data = readFileSync(join(dir, name));
  const brotli = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  writeFileSync(join(dir, name + ".br"), brotli);
  writeFileSync(join(dir, name + ".gz"), gzipSync(data, { level: 9 }));
}
