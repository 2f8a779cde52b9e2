// Validates Kubernetes objects against the Kubernetes OpenAPI schemas compiled into the npm package
// kubernetes-models (types, enums, required fields, quantity/format checks).
// Usage: node validate-manifests.mjs objects.json   (a JSON array of {"source": "...", "object": {...}})
// Prints one line per invalid object and exits 1 if there is any. Must sit next to node_modules/kubernetes-models.
import { readFileSync } from "node:fs";

const entries = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failures = 0;
for (const { source, object } of entries) {
  const where = `${source}: ${object.kind ?? "?"} ${object.metadata?.name ?? ""}`.trim();
  if (!object.apiVersion || !object.kind) {
    console.log(`${where}: apiVersion and kind are required`);
    failures++;
    continue;
  }
  let module;
  try {
    module = await import(`kubernetes-models/${object.apiVersion}`);
  } catch (e) {
    console.log(`${where}: unknown apiVersion ${object.apiVersion}`);
    failures++;
    continue;
  }
  const Model = module[object.kind];
  if (!Model) {
    console.log(`${where}: unknown kind ${object.kind} in ${object.apiVersion}`);
    failures++;
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    console.log(`${where}: ${e.message}`);
    failures++;
  }
}
console.log(`validated ${entries.length} object(s), ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
