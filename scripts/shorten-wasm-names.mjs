// Shortens the names the dashboard's wasm and its JavaScript glue know each other by.
// wasm-bindgen names every import `__wbg_<method>_<16 hex digits>` and the glue's export
// calls use Rust's symbol names: the hex digits cannot be compressed, and they appear in
// both files (measured: 3.5 KB of 240 KB brotli). Binaryen's own pass renames them in the
// wasm (`wasm-opt --minify-imports-and-exports-and-modules`, the wasm-opt the build uses)
// and prints what it renamed; this script makes the same renames in the glue and updates
// index.html's integrity hashes. It refuses, changing nothing, when the glue does not use
// a name exactly as expected (a new wasm-bindgen may write it differently), so the
// dashboard is never shipped half renamed. Trunk runs it after a release build, before
// the files are compressed (see Trunk.toml); `node scripts/shorten-wasm-names.mjs DIR`
// does it by hand.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/// A name as a whole word of JavaScript: not part of a longer identifier.
const word = (name) =>
  new RegExp(`(?<![A-Za-z0-9_$])${name.replace(/[$.]/g, "\\$&")}(?![A-Za-z0-9_$])`, "g");

/// The glue with the renames of `map` ({ imports: [[module, name, new]], exports: [[name,
/// new]] }, as wasm-opt prints it) and the wasm's one import module called `module`.
/// Throws when a name is not used as wasm-bindgen's glue uses it: each import once, as
/// the key of its function in the imports object; each export only as `wasm.NAME` (the
/// glue's own functions of the same names keep theirs).
export function renameInGlue(js, map, module) {
  const modules = new Set(map.imports.map(([from]) => from));
  if (modules.size !== 1) {
    throw new Error(`expected one import module, found ${[...modules].join(", ")}`);
  }
  const [from] = modules;
  const key = JSON.stringify(from) + ":";
  if (js.split(key).length !== 2) {
    throw new Error(`the import module ${from} is not one key of the imports object`);
  }
  // Replaced by functions: a short name may hold `$`, which a replacement string reads.
  js = js.replace(key, () => JSON.stringify(module) + ":");
  for (const [, name, renamed] of map.imports) {
    const uses = js.match(word(name)) ?? [];
    const asKey = js.match(new RegExp(word(name).source + ":", "g")) ?? [];
    if (uses.length !== 1 || asKey.length !== 1) {
      throw new Error(`the import ${name} is used ${uses.length} times, not once as a key`);
    }
    js = js.replace(word(name), () => renamed);
  }
  for (const [name, renamed] of map.exports) {
    js = js.replaceAll(`wasm.${name}`, () => `wasm.${renamed}`);
    // What is left is the glue's own function of that name, never a property or string.
    if (new RegExp(`[.'"\`]${word(name).source}`).test(js)) {
      throw new Error(`the export ${name} is used other than as wasm.${name}`);
    }
  }
  return js;
}

/// `html` with the integrity hash of the file `name` set to that of `data`, where Trunk
/// wrote one (`href=/NAME … integrity=sha384-…`).
export function withIntegrity(html, name, data) {
  const hash = "sha384-" + createHash("sha384").update(data).digest("base64");
  const file = name.replace(/\./g, "\\.");
  const attribute = new RegExp(`(href=["']?/${file}["']?[^>]*?integrity=["']?)sha384-[A-Za-z0-9+/=]+`);
  if (!attribute.test(html)) throw new Error(`index.html has no integrity hash for ${name}`);
  return html.replace(attribute, (_, before) => before + hash);
}

function main() {
  const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
  if (!dir) {
    console.error("usage: node scripts/shorten-wasm-names.mjs DIR (or run as a Trunk hook)");
    process.exit(2);
  }
  if (process.env.TRUNK_PROFILE === "debug") return;
  const files = readdirSync(dir);
  const wasmName = files.find((f) => f.endsWith("_bg.wasm"));
  const jsName = wasmName && files.find((f) => f.endsWith(".js") && f.startsWith(wasmName.split("-")[0]));
  if (!wasmName || !jsName) throw new Error(`no wasm and glue in ${dir}`);
  const wasmPath = join(dir, wasmName);
  const shortened = wasmPath + ".short";
  const run = spawnSync(
    "wasm-opt",
    [wasmPath, "--minify-imports-and-exports-and-modules", "--strip-producers", "-o", shortened],
    { encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`wasm-opt failed: ${run.stderr || run.error}`);
  const map = JSON.parse(run.stdout);
  const wasm = readFileSync(shortened);
  const [module] = new Set(WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => i.module));
  const js = renameInGlue(readFileSync(join(dir, jsName), "utf8"), map, module);
  let html = readFileSync(join(dir, "index.html"), "utf8");
  html = withIntegrity(withIntegrity(html, wasmName, wasm), jsName, Buffer.from(js));
  renameSync(shortened, wasmPath);
  writeFileSync(join(dir, jsName), js);
  writeFileSync(join(dir, "index.html"), html);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
