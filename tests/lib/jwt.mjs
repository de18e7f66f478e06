// Mints JWTs for the tests with node:crypto, an implementation independent of herald's:
// HS256/384/512 over any claims, and Mercure tokens from a short description.
import { createHmac, createSign } from 'node:crypto';

// Mercure's documented development key: a hub started with it accepts the tokens that
// Mercure's own examples and tools sign.
export const DEV_KEY = '!ChangeThisMercureHubJWTSecretKey!';

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

const HMAC_DIGESTS = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
const RSA_DIGESTS = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

// header.payload.signature. `key`: the HMAC secret, or a PEM private key for RS*.
// `header` extras (kid, ...) are merged into {alg, typ}.
export function signJwt(claims, key, { alg = 'HS256', header = {} } = {}) {
  const input = `${b64({ alg, typ: 'JWT', ...header })}.${b64(claims)}`;
  let signature;
  if (HMAC_DIGESTS[alg]) {
    signature = createHmac(HMAC_DIGESTS[alg], key).update(input).digest('base64url');
  } else if (RSA_DIGESTS[alg]) {
    signature = createSign(RSA_DIGESTS[alg]).update(input).sign(key).toString('base64url');
  } else {
    throw new Error(`signJwt: unsupported alg ${alg}`);
  }
  return `${input}.${signature}`;
}

// A Mercure token. `publish`/`subscribe`: selector lists (left out when undefined);
// `payload`: any JSON value; `exp`: seconds from now (may be negative), or undefined for
// none; `claims`: extra top-level claims.
export function mercureToken({ publish, subscribe, payload, exp, claims = {} } = {}, key = DEV_KEY,
  options = {}) {
  const mercure = {};
  if (publish !== undefined) mercure.publish = publish;
  if (subscribe !== undefined) mercure.subscribe = subscribe;
  if (payload !== undefined) mercure.payload = payload;
  const body = { mercure, ...claims };
  if (exp !== undefined) body.exp = Math.floor(Date.now() / 1000) + exp;
  return signJwt(body, key, options);
}

export const bearer = (token) => ({ Authorization: `Bearer ${token}` });
