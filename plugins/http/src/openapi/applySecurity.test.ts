import { describe, expect, it } from 'vitest';
import { applySecurity, MissingCredentialError, type SecurityScheme } from './applySecurity.js';

const schemes: Record<string, SecurityScheme> = {
  header: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
  query: { type: 'apiKey', in: 'query', name: 'key' },
  cookie: { type: 'apiKey', in: 'cookie', name: 'sid' },
  bearer: { type: 'http', scheme: 'bearer' },
  basic: { type: 'http', scheme: 'basic' },
  oauth: { type: 'oauth2' },
};

describe('applySecurity', () => {
  it('applies each kind of scheme from config values or env', () => {
    const env = { TOKEN: 'tok', PASS: 'pw' };
    expect(applySecurity('a', [{ header: [] }], schemes, { header: { value: 'v1' } }, env)).toEqual({ headers: { 'X-API-Key': 'v1' }, query: {}, cookies: {}, sensitiveHeaders: ['X-API-Key'] });
    expect(applySecurity('a', [{ query: [], cookie: [] }], schemes, { query: { env: 'TOKEN' }, cookie: { value: 'c' } }, env)).toMatchObject({ query: { key: 'tok' }, cookies: { sid: 'c' } });
    expect(applySecurity('a', [{ bearer: [] }], schemes, { bearer: { env: 'TOKEN' } }, env).headers).toEqual({ authorization: 'Bearer tok' });
    expect(applySecurity('a', [{ oauth: ['read'] }], schemes, { oauth: { value: 'o' } }, env).headers).toEqual({ authorization: 'Bearer o' });
    expect(applySecurity('a', [{ basic: [] }], schemes, { basic: { username: 'u', passwordEnv: 'PASS' } }, env).headers).toEqual({ authorization: `Basic ${Buffer.from('u:pw').toString('base64')}` });
  });

  it('uses the first alternative it can satisfy', () => {
    const r = applySecurity('a', [{ bearer: [] }, { header: [] }], schemes, { header: { value: 'h' } }, {});
    expect(r.headers).toEqual({ 'X-API-Key': 'h' });
  });

  it('needs nothing when there is no requirement or an empty alternative, but sends what it has', () => {
    expect(applySecurity('a', [], schemes, {}, {}).headers).toEqual({});
    expect(applySecurity('a', [{ bearer: [] }, {}], schemes, {}, {}).headers).toEqual({});
    expect(applySecurity('a', [{}, { bearer: [] }], schemes, { bearer: { value: 'b' } }, {}).headers).toEqual({ authorization: 'Bearer b' });
  });

  it('names what to configure when a credential is missing, never a value', () => {
    const attempt = () => applySecurity('pets', [{ bearer: [] }, { header: [] }], schemes, { bearer: { env: 'PETS_TOKEN' } }, {});
    expect(attempt).toThrow(MissingCredentialError);
    expect(attempt).toThrow('missing credential for "bearer" (http bearer): environment variable PETS_TOKEN is not set; or "header" (apiKey in header "X-API-Key"): set apis[pets].credentials.header.value or apis[pets].credentials.header.env');
    expect(() => applySecurity('pets', [{ nope: [] }], schemes, {}, {})).toThrow('"nope" (not declared in components.securitySchemes)');
  });
});
