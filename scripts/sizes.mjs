// The dashboard's transfer size: wasm, JS and CSS, raw, gzip and brotli.
//
//   node scripts/sizes.mjs dist                       prints the table
//   node scripts/sizes.mjs dist --budget              fails when brotli reaches BUDGET_KB
//   node scripts/sizes.mjs dist --budget 180          … or another budget
//   node scripts/sizes.mjs dist --baseline DIR        adds rows against another build
//                                                     (to BENCH_RESULTS when set)
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

/// The whole dashboard's transfer budget, brotli (issue 8). The test command enforces it.
const BUDGET_KB = 240;

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const dir = args[0] ?? "dist";
const kb = (n) => (n / 1024).toFixed(1) + " KB";
const column = (n) => kb(n).padStart(11);

/// Every shipped file of a build, with its sizes, and their total.
function measure(dir) {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  const files = readdirSync(dir)
    .filter((f) => /\.(wasm|js|css)$/.test(f))
    .sort()
    .map((name) => {
      const data = readFileSync(join(dir, name));
      const sizes = {
        raw: data.length,
        gzip: gzipSync(data, { level: 9 }).length,
        brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      };
      for (const k in total) total[k] += sizes[k];
      return { name, sizes };
    });
  return { files, total };
}

const build = measure(dir);
console.log("file".padEnd(48) + "raw".padStart(11) + "gzip".padStart(11) + "brotli".padStart(11));
for (const { name, sizes } of build.files) {
  console.log(name.padEnd(48) + column(sizes.raw) + column(sizes.gzip) + column(sizes.brotli));
}
const { raw, gzip, brotli } = build.total;
console.log("total".padEnd(48) + column(raw) + column(gzip) + column(brotli));

const budget = args.includes("--budget") ? Number(option("--budget")) || BUDGET_KB : undefined;
const baselineDir = option("--baseline");
if (baselineDir) {
  const base = measure(baselineDir).total;
  const rows = ["raw", "gzip", "brotli"].map((k) => {
    const target = k === "brotli" && budget ? `< ${budget} KB` : "";
    const verdict = target ? (build.total[k] < budget * 1024 ? "met" : "**missed**") : "";
    return `| dashboard transfer size, ${k} (wasm + JS + CSS) | ${kb(build.total[k])} | minimal Leptos counter ${kb(base[k])} | ${(build.total[k] / base[k]).toFixed(1)}x | ${target} | ${verdict} |`;
  });
  console.log(rows.join("\n"));
  if (process.env.BENCH_RESULTS) appendFileSync(process.env.BENCH_RESULTS, rows.join("\n") + "\n");
} else if (budget && brotli >= budget * 1024) {
  console.error(`The dashboard is ${kb(brotli)} brotli: over its budget of ${budget} KB.`);
  process.exit(1);
}
