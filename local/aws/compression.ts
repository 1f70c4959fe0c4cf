/**
 * API Gateway's compression (`minimumCompressionSize`): gzip or deflate, as the
 * client prefers, for answers of at least that many bytes that the Lambda did not
 * encode itself.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import type { ProxyAnswer } from './lambda-proxy';

/**
 * The coding API Gateway answers with: the client's highest-weighted coding must
 * be one it supports (gzip, deflate), else it sends identity. No header, or only
 * `*`, means identity too (its documentation: "Without an explicit specification
 * of supported Accept-Encoding header values, API Gateway does not compress").
 * Among equally weighted supported codings the client's first wins.
 */
export function negotiateEncoding(acceptEncoding: string | undefined): 'gzip' | 'deflate' | null {
  if (!acceptEncoding) return null;
  const offers: { coding: string; q: number }[] = [];
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.split(';').map((p) => p.trim());
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const m = /^q=([\d.]+)$/i.exec(param);
      if (m) q = Number(m[1]);
    }
    if (Number.isFinite(q) && q > 0) offers.push({ coding: name.toLowerCase(), q });
  }
  const best = Math.max(0, ...offers.map((o) => o.q));
  for (const { coding, q } of offers) {
    if (q === best && (coding === 'gzip' || coding === 'deflate')) return coding;
  }
  return null;
}

/**
 * The answer compressed when compression is on (`minimumSize` not null), the client
 * asked for a coding API Gateway supports, the integration did not encode the answer
 * itself, and the answer is at least `minimumSize` bytes. Only Content-Encoding is
 * added (no Vary); the answer is changed in place.
 */
export function compress(
  answer: ProxyAnswer,
  acceptEncoding: string | undefined,
  minimumSize: number | null,
): ProxyAnswer {
  const { headers, multiValueHeaders } = answer;
  const names = [...Object.keys(headers), ...Object.keys(multiValueHeaders)].map((n) =>
    n.toLowerCase(),
  );
  const coding = negotiateEncoding(acceptEncoding);
  const size = Buffer.byteLength(answer.body);
  const hasBody = size > 0 && answer.statusCode !== 204 && answer.statusCode !== 304;
  if (
    minimumSize === null ||
    !coding ||
    !hasBody ||
    names.includes('content-encoding') ||
    size < minimumSize
  ) {
    return answer;
  }
  answer.body = coding === 'gzip' ? gzipSync(answer.body) : deflateSync(answer.body);
  headers['Content-Encoding'] = coding;
  // A length the Lambda set describes the identity body.
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === 'content-length') delete headers[name];
  }
  for (const name of Object.keys(multiValueHeaders)) {
    if (name.toLowerCase() === 'content-length') delete multiValueHeaders[name];
  }
  return answer;
}
