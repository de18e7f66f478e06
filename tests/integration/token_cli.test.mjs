// `herald token`: the real binary mints tokens that node:crypto, an independent JWT
// implementation, accepts: header, Mercure claims, exp, and the signature for HS, RS, ES.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { heraldBin } from '../lib/herald.mjs';

const DEV_KEY = '!ChangeThisMercureHubJWTSecretKey!';

// Resolves { code, stdout, stderr }; never rejects on a non-zero exit.
function herald(args, env = {}) {
  return new Promise((resolve) => {
    execFile(heraldBin, args, { env: { ...process.env, ...env }, timeout: 20000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

async function mint(args, env) {
  const r = await herald(['token', ...args], env);
  assert.equal(r.code, 0, `herald token ${args.join(' ')} failed: ${r.stderr}`);
  const token = r.stdout.trim();
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'three base64url segments');
  assert.equal(r.stdout, `${token}\n`, 'the token alone on one line');
  const [h, p, s] = token.split('.');
  return {
    token,
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()),
    input: `${h}.${p}`,
    signature: s,
  };
}

const hmac = (digest, key, input) => createHmac(digest, key).update(input).digest('base64url');

describe('herald token', () => {
  let dir;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'herald-token-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('mints an HS256 token with Mercure claims that node:crypto verifies', async () => {
    const t = await mint(['--key', DEV_KEY, '--publish', '*', '--subscribe', 'https://example.com/books/{id}',
      '--subscribe', 'urn:a', '--payload', '{"user":"u1","roles":["admin"]}']);
    assert.deepEqual(t.header, { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(t.payload, {
      mercure: {
        publish: ['*'],
        subscribe: ['https://example.com/books/{id}', 'urn:a'],
        payload: { user: 'u1', roles: ['admin'] },
      },
    });
    assert.equal(t.signature, hmac('sha256', DEV_KEY, t.input));
    assert.notEqual(t.signature, hmac('sha256', '!ChangeMe!', t.input), 'the signature depends on the key');
  });

  it('--exp sets exp to now + the duration', async () => {
    for (const [spec, seconds] of [['15s', 15], ['10m', 600], ['1h', 3600], ['24h', 86400]]) {
      const before = Math.floor(Date.now() / 1000);
      const t = await mint(['--key', DEV_KEY, '--publish', 'urn:x', '--exp', spec]);
      const after = Math.ceil(Date.now() / 1000);
      assert.ok(t.payload.exp >= before + seconds - 1 && t.payload.exp <= after + seconds,
        `${spec}: exp ${t.payload.exp} not in [${before + seconds}, ${after + seconds}]`);
      assert.ok(Number.isInteger(t.payload.exp));
    }
    const none = await mint(['--key', DEV_KEY, '--publish', 'urn:x']);
    assert.equal(none.payload.exp, undefined, 'no --exp, no exp');
  });

  it('HS384 and HS512, a kid, the key from a file and from HERALD_KEY', async () => {
    const file = path.join(dir, 'secret.txt');
    writeFileSync(file, 'file-secret-0123456789abcdef0123456789abcdef0123456789\n');
    const t384 = await mint(['--key', `@${file}`, '--alg', 'HS384', '--publish', 'a', '--kid', 'k-2024']);
    assert.deepEqual(t384.header, { alg: 'HS384', typ: 'JWT', kid: 'k-2024' });
    // The file's trailing newline is not part of the secret.
    assert.equal(t384.signature, hmac('sha384', 'file-secret-0123456789abcdef0123456789abcdef0123456789', t384.input));
    const t512 = await mint(['--alg', 'HS512', '--subscribe', 'b'], { HERALD_KEY: DEV_KEY });
    assert.equal(t512.header.alg, 'HS512');
    assert.equal(t512.signature, hmac('sha512', DEV_KEY, t512.input));
  });

  it('RS256 and ES256 with PEM private keys from files', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaFile = path.join(dir, 'rsa.pem');
    writeFileSync(rsaFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const rs = await mint(['--key', `@${rsaFile}`, '--alg', 'RS256', '--publish', '*']);
    assert.equal(rs.header.alg, 'RS256');
    assert.ok(verify('sha256', Buffer.from(rs.input), rsa.publicKey, Buffer.from(rs.signature, 'base64url')));

    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecFile = path.join(dir, 'ec.pem');
    writeFileSync(ecFile, ec.privateKey.export({ type: 'sec1', format: 'pem' }));
    const es = await mint(['--key', `@${ecFile}`, '--alg', 'ES256', '--subscribe', 'urn:private']);
    const sig = Buffer.from(es.signature, 'base64url');
    assert.equal(sig.length, 64, 'JWS ECDSA signatures are raw r||s');
    assert.ok(verify('sha256', Buffer.from(es.input), { key: createPublicKey(ec.privateKey), dsaEncoding: 'ieee-p1363' }, sig));
  });

  it('refuses what the hub would refuse, with a message and a non-zero exit', async () => {
    const cases = [
      [['--key', DEV_KEY, '--publish', 'a', '--payload', '{not json'], /payload/],
      [['--key', DEV_KEY, '--publish', 'a', '--exp', 'tomorrow'], /--exp/],
      [['--key', DEV_KEY, '--publish', 'a', '--exp', '0s'], /--exp/],
      [['--key', DEV_KEY, '--publish', '{broken'], /selector|template/],
      [['--key', DEV_KEY, '--alg', 'none', '--publish', 'a'], /alg/],
      [['--key', DEV_KEY, '--alg', 'RS256', '--publish', 'a'], /--key/],
      [['--key', '@/nonexistent/key.pem', '--publish', 'a'], /nonexistent/],
      [['--publish', 'a'], /key/i],
    ];
    for (const [args, message] of cases) {
      const r = await herald(['token', ...args], { HERALD_KEY: '' });
      assert.notEqual(r.code, 0, `${args.join(' ')} should fail`);
      assert.equal(r.stdout, '', 'no token printed');
      assert.match(r.stderr, message, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  it('--help describes the flags', async () => {
    const r = await herald(['token', '--help']);
    assert.equal(r.code, 0);
    for (const f of ['--key', '--alg', '--publish', '--subscribe', '--payload', '--exp', 'HERALD_']) {
      assert.ok(r.stdout.includes(f), `--help mentions ${f}`);
    }
  });
  it('--v1 mints a Mercure 1.0 access token (RFC 9068) that node:crypto verifies, EdDSA included', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = path.join(dir, 'ed25519.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const hub = 'https://hub.example.com/.well-known/mercure';
    const before = Math.floor(Date.now() / 1000);
    const t = await mint(['--v1', '--key', `@${keyFile}`, '--alg', 'EdDSA', '--issuer', 'https://auth.example.com',
      '--audience', hub, '--subject', 'alice', '--publish', 'https://example.com/books/1',
      '--subscribe-urlpattern', '/users/:id', '--subscribe', '*', '--payload', '{"name":"alice"}']);
    assert.deepEqual(t.header, { alg: 'EdDSA', typ: 'at+jwt' });
    assert.ok(verify(null, Buffer.from(t.input), publicKey, Buffer.from(t.signature, 'base64url')), 'Ed25519 signature');
    const { iat, exp, jti, ...rest } = t.payload;
    assert.ok(iat >= before && iat <= before + 5);
    assert.equal(exp - iat, 3600, 'exp is required: an hour unless --exp');
    assert.match(jti, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.deepEqual(rest, {
      iss: 'https://auth.example.com', sub: 'alice', aud: hub, client_id: 'herald-token',
      authorization_details: [
        { type: 'https://mercure.rocks/authorization-detail', actions: ['publish'],
          topics: [{ match: 'https://example.com/books/1', match_type: 'exact' }] },
        { type: 'https://mercure.rocks/authorization-detail', actions: ['subscribe'],
          topics: [{ match: '*', match_type: 'exact' }, { match: '/users/:id', match_type: 'urlpattern' }],
          payload: { name: 'alice' } },
      ],
    });
    const other = await mint(['--v1', '--key', DEV_KEY, '--issuer', 'i', '--audience', hub, '--publish', '*']);
    assert.notEqual(other.payload.jti, jti, 'a fresh jti per token');
    assert.equal(other.payload.sub, other.payload.jti, 'sub defaults to the jti');
    assert.equal(other.header.typ, 'at+jwt');
  });

  it('--v1 refuses what a 1.0 hub would refuse, and 0.x refuses the 1.0 flags', async () => {
    const hub = 'https://hub.example.com/.well-known/mercure';
    const cases = [
      [['--v1', '--key', DEV_KEY, '--audience', hub, '--publish', '*'], /--v1 needs --issuer/],
      [['--v1', '--key', DEV_KEY, '--issuer', 'i', '--publish', '*'], /--v1 needs --audience/],
      [['--v1', '--key', DEV_KEY, '--issuer', 'i', '--audience', hub, '--subscribe-urlpattern', 'https://e.com/(x'],
        /pattern/i],
      [['--v1', '--key', DEV_KEY, '--issuer', 'i', '--audience', hub, '--subscribe', '*', '--payload', '[1]'],
        /payload/],
      [['--key', DEV_KEY, '--issuer', 'i', '--publish', '*'], /are for --v1 tokens/],
    ];
    for (const [args, message] of cases) {
      const r = await herald(['token', ...args]);
      assert.equal(r.code, 2, `herald token ${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '', 'no token printed');
    }
  });
});
