// `node --test scripts/`: the glue rewriting of shorten-wasm-names.mjs, on glue written
// as wasm-bindgen writes it (the browser tests run the whole dashboard on its output).
import { test } from "node:test";
import assert from "node:assert/strict";
import { renameInGlue, withIntegrity } from "./shorten-wasm-names.mjs";

const map = {
  imports: [["./app_bg.js", "__wbg_new_37eb45aaf5eeb820", "a"], ["./app_bg.js", "__wbg_new_4c069f6c1114791c", "$"]],
  exports: [["memory", "$$"], ["run__h1", "c"]],
};
const glue =
  'function run__h1(e){wasm.run__h1(e);}' +
  'const i={__proto__:null,"./app_bg.js":{__proto__:null,__wbg_new_37eb45aaf5eeb820:function(){return[]},' +
  '__wbg_new_4c069f6c1114791c:function(){return run__h1(1)}}};let m=wasm.memory;';

test("imports, their module and exports take their short names; the glue's own functions keep theirs", () => {
  assert.equal(
    renameInGlue(glue, map, "a"),
    'function run__h1(e){wasm.c(e);}' +
      'const i={__proto__:null,"a":{__proto__:null,a:function(){return[]},' +
      '$:function(){return run__h1(1)}}};let m=wasm.$$;',
  );
});

test("a name used otherwise than wasm-bindgen uses it is refused", () => {
  const twice = glue + "console.log('__wbg_new_37eb45aaf5eeb820');";
  assert.throws(() => renameInGlue(twice, map, "a"), /used 2 times/);
  const asString = glue + 'wasm["memory"];';
  assert.throws(() => renameInGlue(asString, map, "a"), /export memory/);
  const noModule = glue.replace('"./app_bg.js":', "imports:");
  assert.throws(() => renameInGlue(noModule, map, "a"), /not one key/);
});

test("the integrity hash of the changed file is replaced, and only that one", () => {
  const html =
    "<link href=/app.js integrity=sha384-AAAA rel=modulepreload>" +
    "<link href=/app_bg.wasm integrity=sha384-BBBB rel=preload>";
  const changed = withIntegrity(html, "app_bg.wasm", Buffer.from(""));
  assert.match(changed, /app\.js integrity=sha384-AAAA/);
  assert.match(changed, /app_bg\.wasm integrity=sha384-OLBgp1GsljhM2TJ\+sbHjaiH9txEUvgdDTAzHv2P24donTt6\/529l\+9Ua0vFImLlb rel/);
  assert.throws(() => withIntegrity(html, "other.js", Buffer.from("")), /no integrity/);
});
