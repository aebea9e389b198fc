// Conformance of Polku's Open Badges 3.0 credentials with tools that are
// not Polku's: digitalbazaar's Data Integrity libraries verify the
// eddsa-rdfc-2022 proof (contexts loaded offline from the same files the
// Rust side bundles; did:key resolved locally), and ajv validates against
// the 1EdTech JSON schema. The credentials are written by polku-core's
// badge test into POLKU_CONFORMANCE_DIR (scripts/test.sh sets it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as DidKey from '@digitalbazaar/did-method-key';
import { JsonLdDocumentLoader } from 'jsonld-document-loader';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';

const repo = new URL('../', import.meta.url);
const file = (path) => fileURLToPath(new URL(path, repo));
const json = (path) => JSON.parse(readFileSync(path, 'utf8'));

// The same table as server/core/src/badges/canon.rs.
const CONTEXTS = [
  ['https://www.w3.org/ns/credentials/v2', 'credentials-v2.jsonld'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', 'ob-context-3.0.3.json'],
  ['https://purl.imsglobal.org/spec/ob/v3p0/extensions.json', 'ob-extensions.json'],
  ['https://w3id.org/security/multikey/v1', 'multikey-v1.jsonld'],
  ['https://w3id.org/security/data-integrity/v2', 'data-integrity-v2.jsonld'],
];
const loader = new JsonLdDocumentLoader();
for (const [url, name] of CONTEXTS) {
  loader.addStatic(url, json(file(`server/core/src/badges/contexts/${name}`)));
}
const bundled = loader.build();
const didKey = DidKey.driver();
didKey.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });
async function documentLoader(url) {
  if (url.startsWith('did:key:')) {
    return { contextUrl: null, documentUrl: url, document: await didKey.get({ url }) };
  }
  return bundled(url); // anything else throws: never the network
}

/** A document loader that also serves `didDocument` and its verification
 *  methods, as https://<site>/.well-known/did.json would. */
function hostingLoader(didDocument) {
  const hosted = new Map([[didDocument.id, didDocument]]);
  for (const method of didDocument.verificationMethod) {
    hosted.set(method.id, { '@context': 'https://w3id.org/security/multikey/v1', ...method });
  }
  return async (url) => (hosted.has(url)
    ? { contextUrl: null, documentUrl: url, document: hosted.get(url) }
    : documentLoader(url));
}

async function verifyProof(credential) {
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  return vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    // A moment inside the credential's validity (dates are tested in Rust).
    now: new Date('2027-06-01T00:00:00Z'),
    // Status lists are checked by their own test; here the proof.
    checkStatus: async () => ({ verified: true }),
  });
}

/** digitalbazaar's verifier accepts `credential` with `didDocument` as its
 *  issuer's published keys (status is checked by its own tests), and it
 *  is valid against the 1EdTech schema. */
async function assertVerifiedAndValid(credential, didDocument) {
  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    checkStatus: async () => ({ verified: true }),
    documentLoader: hostingLoader(didDocument),
  });
  assert.equal(result.verified, true, JSON.stringify(result.error?.errors?.map((e) => e.message) ?? result.error?.message ?? result));
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(json(file('server/core/tests/fixtures/ob3/schema/ob_v3p0_achievementcredential_schema.json')));
  assert.ok(validate(credential), JSON.stringify(validate.errors));
}

const dir = process.env.POLKU_CONFORMANCE_DIR;
const ready = dir && existsSync(`${dir}/polku-signed.json`);

test('a credential signed by Polku passes digitalbazaar\'s eddsa-rdfc-2022 verifier and the 1EdTech schema', { skip: !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)' }, async () => {
  assert.ok(ready, `POLKU_CONFORMANCE_DIR (${dir}) must hold polku-signed.json: cargo test writes it`);
  const signed = json(`${dir}/polku-signed.json`);
  const result = await verifyProof(signed);
  assert.equal(result.verified, true, JSON.stringify(result.error?.errors?.map((e) => e.message) ?? result.error?.message ?? result));

  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(json(file('server/core/tests/fixtures/ob3/schema/ob_v3p0_achievementcredential_schema.json')));
  assert.ok(validate(signed), JSON.stringify(validate.errors));

  // The same verifier refuses the tampered copy, so this test can fail.
  const tampered = json(`${dir}/polku-tampered.json`);
  assert.equal((await verifyProof(tampered)).verified, false, 'a changed credential must not verify');
});

test('a badge signed under the site\'s did:web verifies with its published DID document', { skip: !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)' }, async () => {
  assert.ok(ready, 'POLKU_CONFORMANCE_DIR must hold what cargo test writes');
  const didDocument = json(`${dir}/did.json`);
  const credential = json(`${dir}/polku-did-web.json`);
  // What a verifier fetches from https://<site>/.well-known/did.json,
  // served from the file Polku's keyring wrote.
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const result = await vc.verifyCredential({
    credential,
    suite,
    now: new Date('2027-06-01T00:00:00Z'),
    checkStatus: async () => ({ verified: true }),
    documentLoader: hostingLoader(didDocument),
  });
  assert.equal(result.verified, true, JSON.stringify(result.error?.errors?.map((e) => e.message) ?? result.error?.message ?? result));
});

test('digitalbazaar\'s status list check reads Polku\'s signed revocation list', { skip: !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)' }, async () => {
  assert.ok(ready, 'POLKU_CONFORMANCE_DIR must hold what cargo test writes');
  const credential = json(`${dir}/status-badge.json`);
  const statusOf = async (listFile) => {
    const list = json(`${dir}/${listFile}`);
    const result = await checkStatus({
      credential,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: async (url) => (url === list.id
        ? { contextUrl: null, documentUrl: url, document: list }
        : documentLoader(url)),
    });
    assert.equal(result.verified, true, String(result.error?.message ?? JSON.stringify(result)));
    const statuses = result.results ?? [result];
    return statuses.map((r) => r.status);
  };
  assert.deepEqual(await statusOf('status-list-open.json'), [false], 'not revoked');
  assert.deepEqual(await statusOf('status-list-revoked.json'), [true], 'revoked: bit 42 set');
});

test('a badge Polku issued to a learner passes the independent verifier and the 1EdTech schema', { skip: !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)' }, async () => {
  assert.ok(ready, 'POLKU_CONFORMANCE_DIR must hold what cargo test writes');
  const didDocument = json(`${dir}/issued-did.json`);
  const credential = json(`${dir}/issued.json`);
  await assertVerifiedAndValid(credential, didDocument);
});

test('a badge issued by another Polku site (B) and accepted at site A passes the independent verifier with B\'s DID document, and the 1EdTech schema', { skip: !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)' }, async () => {
  assert.ok(ready, 'POLKU_CONFORMANCE_DIR must hold what cargo test writes');
  // Written by server/tests/federation.rs: the badge site B issued (site A
  // verified it as valid_trusted) and B's DID document as B served it.
  const didDocument = json(`${dir}/site-b-did.json`);
  const credential = json(`${dir}/site-b-badge.json`);
  assert.equal(credential.issuer.id, didDocument.id);
  await assertVerifiedAndValid(credential, didDocument);
});

test('a revocation made through Polku reads as revoked in digitalbazaar\'s status check of the list as served', { skip: !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)' }, async () => {
  assert.ok(ready, 'POLKU_CONFORMANCE_DIR must hold what cargo test writes');
  const didDocument = json(`${dir}/revoked-did.json`);
  const credential = json(`${dir}/revoked.json`);
  // What /badges/status/1 served after the coach revoked the badge.
  const list = json(`${dir}/revoked-list.json`);
  const hosted = hostingLoader(didDocument);
  const documentLoader = async (url) => (url === list.id
    ? { contextUrl: null, documentUrl: url, document: list }
    : hosted(url));
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const status = await checkStatus({ credential, suite, documentLoader });
  assert.equal(status.verified, true, String(status.error?.message ?? JSON.stringify(status)));
  assert.deepEqual((status.results ?? [status]).map((r) => r.status), [true], 'the badge\'s bit is set');
  // The badge itself still has a sound proof: revoked, not forged.
  const proof = await vc.verifyCredential({ credential, suite, documentLoader, checkStatus: async () => ({ verified: true }) });
  assert.equal(proof.verified, true, JSON.stringify(proof.error?.errors?.map((e) => e.message) ?? proof.error?.message ?? proof));
});

test('a badge a coach approved carries the evidence and passes the independent verifier and the schema', { skip: !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)' }, async () => {
  assert.ok(ready, 'POLKU_CONFORMANCE_DIR must hold what cargo test writes');
  const credential = json(`${dir}/evidence.json`);
  assert.equal(credential.evidence[0].narrative, 'Tein ansioluettelon');
  await assertVerifiedAndValid(credential, json(`${dir}/revoked-did.json`));
});

test('a pathway\'s milestone badge lists the badges it stands on and passes the independent verifier and the schema', { skip: !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)' }, async () => {
  assert.ok(ready, 'POLKU_CONFORMANCE_DIR must hold what cargo test writes');
  const credential = json(`${dir}/milestone.json`);
  assert.match(credential.credentialSubject.achievement.id, /\/pathways\/test-path\/milestones\/whole$/);
  const evidence = credential.evidence.map((e) => [e.genre, e.id]);
  assert.equal(evidence.length, 2, JSON.stringify(evidence));
  assert.equal(evidence[0][0], 'Badge');
  assert.match(evidence[0][1], /\/badges\/\d+$/);
  assert.deepEqual(evidence[1], ['Course', 'https://polku.example/courses/first-course']);
  await assertVerifiedAndValid(credential, json(`${dir}/milestone-did.json`));
});

test('a badge naming its holder by a hashed e-mail address passes the independent verifier and the schema, and the hash is the address with its salt', { skip: !ready && process.env.CI !== 'true' && 'run through scripts/test.sh (POLKU_CONFORMANCE_DIR)' }, async () => {
  assert.ok(ready, 'POLKU_CONFORMANCE_DIR must hold what cargo test writes');
  const credential = json(`${dir}/email-recipient.json`);
  const email = credential.credentialSubject.identifier.find((i) => i.identityType === 'emailAddress');
  assert.equal(email.hashed, true);
  const { createHash } = await import('node:crypto');
  const expected = `sha256$${createHash('sha256').update(`maija@example.org${email.salt}`).digest('hex')}`;
  assert.equal(email.identityHash, expected);
  await assertVerifiedAndValid(credential, json(`${dir}/email-recipient-did.json`));
});
