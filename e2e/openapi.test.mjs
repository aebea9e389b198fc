// The API description: /api/openapi.json validates against the OpenAPI
// 3.1 schema (an independent validator, @seriousme/openapi-schema-validator),
// and another site's page can check a badge through it (CORS) while the
// rest of Polku stays closed to other origins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { BASE } from './support.mjs';

test('the API description is valid OpenAPI 3.1', async () => {
  const response = await fetch(`${BASE}/api/openapi.json`);
  assert.equal(response.status, 200);
  const doc = await response.json();
  assert.match(doc.openapi, /^3\.1\./);
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
  assert.equal(validator.version, '3.1');
  // The verdict's schema reaches the outcomes an employer acts on.
  const outcomes = doc.components.schemas.Outcome.enum;
  for (const outcome of ['valid', 'valid_trusted', 'issuer_not_verified', 'revoked', 'expired', 'tampered', 'not_a_badge']) {
    assert.ok(outcomes.includes(outcome), outcome);
  }
});

test('a verifier on another origin checks a badge; other APIs stay same-origin', async () => {
  const origin = 'https://verifier.example';
  const preflight = await fetch(`${BASE}/api/verify`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
  });
  assert.ok(preflight.ok, `${preflight.status}`);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  const checked = await fetch(`${BASE}/api/verify`, {
    method: 'POST',
    headers: { Origin: origin, 'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/json' },
    body: '{"type": ["VerifiableCredential"]}',
  });
  assert.equal(checked.status, 200);
  assert.equal((await checked.json()).outcome, 'not_a_badge');
  const search = await fetch(`${BASE}/api/search?q=salasana&locale=fi`, { headers: { Origin: origin } });
  assert.equal(search.headers.get('access-control-allow-origin'), null);
});
