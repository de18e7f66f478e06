// A throwaway self-signed certificate for localhost and 127.0.0.1, made with the
// `openssl` command (as an operator would), for hubs started with --tls-listen.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Returns { dir, cert, key, ca (the certificate's PEM, for clients), remove() }. The files
// go to a new temporary directory, or to `dir` (as NAME.cert.pem and NAME.key.pem) when
// given; remove() deletes what was made.
export function makeCert(name = 'localhost', { dir } = {}) {
  const own = dir === undefined;
  const where = own ? fs.mkdtempSync(path.join(os.tmpdir(), 'herald-cert-')) : dir;
  const cert = path.join(where, own ? 'cert.pem' : `${name}.cert.pem`);
  const key = path.join(where, own ? 'key.pem' : `${name}.key.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  return {
    dir: where, cert, key,
    ca: fs.readFileSync(cert),
    remove: () => (own ? fs.rmSync(where, { recursive: true, force: true }) : [cert, key].forEach((f) => fs.rmSync(f, { force: true }))),
  };
}

// The `herald serve` flags of a TLS listener on a free port with this certificate.
export const tlsArgs = (c) => ['--tls-listen', '127.0.0.1:0', '--tls-cert', c.cert, '--tls-key', c.key];

// The https:// URL a hub printed ("herald listening on https://...").
export function httpsUrlOf(hub) {
  const m = hub.out().match(/listening on (https:\/\/[^\s]+)/);
  if (!m) throw new Error(`no https listener printed:\n${hub.out()}`);
  return m[1];
}
