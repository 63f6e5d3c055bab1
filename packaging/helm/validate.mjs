// Validates every document of rendered manifests against Kubernetes' JSON schemas, offline, with
// the npm packages kubernetes-models (Kubernetes 1.27's schemas, compiled by ajv) and
// @kubernetes-models/prometheus-operator (ServiceMonitor). .ci/helm runs it on the chart's renders.
//
//   node packaging/helm/validate.mjs NODE_MODULES_DIR FILE.yaml...
//
// NODE_MODULES_DIR: where `npm install kubernetes-models@4 js-yaml@4
// @kubernetes-models/prometheus-operator` put them (a throwaway directory, so the repository holds
// no node_modules). Prints one line per file; on any invalid document, names the file, the
// document and each violation, and exits 1. A file with no document, or a kind with no schema,
// is an error too: nothing passes unchecked. Unknown fields are not flagged (the schemas allow
// them), so a misspelt field passes here; the chart's JUnit tests check the fields that matter.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, ...files] = process.argv.slice(2);
if (!modules || files.length === 0) {
  console.error("usage: node validate.mjs NODE_MODULES_DIR FILE.yaml...");
  process.exit(2);
}
// By file, not by package name: ES modules resolve bare names from this script's directory only.
const load = (path) => import(pathToFileURL(join(modules, path)).href);
const yaml = await load("js-yaml/dist/js-yaml.mjs");

// The module holding the models of one apiVersion: core "v1", "apps/v1", a CRD's "GROUP/VERSION".
function modelsOf(apiVersion) {
  if (apiVersion.startsWith("monitoring.coreos.com/")) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/index.js`;
  }
  return `kubernetes-models/${apiVersion}/index.mjs`;
}

async function modelOf(apiVersion, kind) {
  let models;
  try {
    models = await load(modelsOf(apiVersion));
  } catch (e) {
    return null; // no such group/version among the schemas
  }
  return Object.hasOwn(models, kind) && models[kind].kind === kind ? models[kind] : null;
}

let failed = false;
for (const file of files) {
  const documents = yaml.loadAll(readFileSync(file, "utf8")).filter((document) => document != null);
  const problems = [];
  for (const [index, document] of documents.entries()) {
    const what = `document ${index + 1} (${document.kind ?? "no kind"} ${document.metadata?.name ?? "unnamed"})`;
    if (typeof document.apiVersion !== "string" || typeof document.kind !== "string") {
      problems.push(`${what}: no apiVersion or kind`);
      continue;
    }
    const Model = await modelOf(document.apiVersion, document.kind);
    if (Model == null) {
      problems.push(`${what}: no schema for ${document.apiVersion} ${document.kind}`);
      continue;
    }
    try {
      new Model(document).validate();
    } catch (e) {
      problems.push(`${what}: ${e.message}`);
    }
  }
  if (documents.length === 0) problems.push("no document at all");
  if (problems.length > 0) {
    failed = true;
    console.error(`INVALID ${file}:\n  ${problems.join("\n  ")}`);
  } else {
    const kinds = documents.map((document) => document.kind).sort().join(", ");
    const count = `${documents.length} document${documents.length === 1 ? "" : "s"}`;
    console.log(`valid ${file}: ${count} (${kinds})`);
  }
}
process.exit(failed ? 1 : 0);
