// SPDX-License-Identifier: GPL-2.0-only
//
// Validate Kubernetes manifests offline, against the Kubernetes API's
// published schemas: `node validate.mjs FILE...` (tests/host/test_kubernetes_manifests.sh
// runs it; the packages come from package-lock.json, installed by
// scripts/install-deps.sh). Every document of every file is checked three ways:
//
//  1. its apiVersion and kind must name a known type (core, apps, ... from
//     kubernetes-models; monitoring.coreos.com from its prometheus-operator models);
//  2. its fields against that type's JSON schema: kubernetes-models compiles
//     the upstream OpenAPI spec (types, required fields, enums, formats);
//  3. fields the type does not have: the official JavaScript client
//     (@kubernetes/client-node, generated from the same spec) decodes the
//     document and encodes it again; what it drops is unknown to the API,
//     which is what `kubectl --validate=strict` (the API server's strict
//     field validation) refuses. The client does not know custom resources
//     (the ServiceMonitor): for those only 1 and 2 hold.
//
// Prints "ok FILE: KIND NAMESPACE/NAME" or "error FILE: KIND NAMESPACE/NAME: what"
// per document; exits 1 when any document is invalid, 2 on usage errors.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { dumpYaml, loadYaml } from "@kubernetes/client-node";

// apiVersion -> the module whose exports are that group version's kinds.
function modelModule(apiVersion) {
	if (apiVersion.startsWith("monitoring.coreos.com/"))
		return `@kubernetes-models/prometheus-operator/${apiVersion}`;
	return `kubernetes-models/${apiVersion}`;
}

// The paths of `have` (a decoded document) that `kept` (its round trip) lacks.
function dropped(have, kept, path, out) {
	if (Array.isArray(have)) {
		have.forEach((v, i) => dropped(v, Array.isArray(kept) ? kept[i] : undefined, `${path}[${i}]`, out));
	} else if (have !== null && typeof have === "object") {
		for (const [k, v] of Object.entries(have)) {
			const p = path ? `${path}.${k}` : k;
			if (kept === null || typeof kept !== "object" || !(k in kept) || kept[k] === undefined)
				out.push(p);
			else
				dropped(v, kept[k], p, out);
		}
	}
	return out;
}

async function check(doc) {
	if (doc === null || typeof doc !== "object" || Array.isArray(doc))
		return ["not a Kubernetes object (a YAML mapping with apiVersion and kind)"];
	if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string")
		return ["apiVersion and kind must be strings"];
	let kinds;
	try {
		kinds = await import(modelModule(doc.apiVersion));
	} catch {
		return [`unknown apiVersion ${doc.apiVersion}: no schema for it`];
	}
	const Model = kinds[doc.kind];
	if (typeof Model !== "function")
		return [`${doc.apiVersion} has no kind ${doc.kind}`];
	const problems = [];
	try {
		new Model(doc).validate();
	} catch (e) {
		problems.push(e.message);
	}
	const roundTrip = yaml.load(dumpYaml(loadYaml(yaml.dump(doc))));
	for (const p of dropped(doc, roundTrip, "", []))
		problems.push(`${p}: unknown field (${doc.apiVersion} ${doc.kind} has no such field)`);
	return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
	console.error("usage: node validate.mjs FILE...");
	process.exit(2);
}
let failed = 0;
for (const file of files) {
	let docs;
	try {
		docs = yaml.loadAll(readFileSync(file, "utf8"));
	} catch (e) {
		console.log(`error ${file}: ${e.message.split("\n")[0]}`);
		failed++;
		continue;
	}
	for (const doc of docs.filter((d) => d !== null && d !== undefined)) {
		const meta = doc?.metadata ?? {};
		const what = `${doc?.kind ?? "(no kind)"} ${meta.namespace ? `${meta.namespace}/` : ""}${meta.name ?? "(no name)"}`;
		const problems = await check(doc);
		if (problems.length === 0) {
			console.log(`ok ${file}: ${what}`);
		} else {
			failed++;
			for (const p of problems)
				console.log(`error ${file}: ${what}: ${p}`);
		}
	}
}
process.exit(failed ? 1 : 0);
