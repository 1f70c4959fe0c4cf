import { TestBed } from '@angular/core/testing';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { APIG_FACTORY } from './pets-api';

// The real aws-api-gateway-client, loaded the way the app loads it (lazy chunk with
// the Buffer polyfill), sending a signed request to the test server; the signature
// is checked by recomputing it with the AWS signer the local gateway uses.
describe('aws-api-gateway-client in the browser', () => {
  let sent: Record<string, string>;
  let original: typeof XMLHttpRequest.prototype.setRequestHeader;
  beforeEach(() => {
    sent = {};
    original = XMLHttpRequest.prototype.setRequestHeader;
    spyOn(XMLHttpRequest.prototype, 'setRequestHeader').and.callFake(function (
      this: XMLHttpRequest,
      name: string,
      value: string,
    ) {
      sent[name.toLowerCase()] = value;
      original.call(this, name, value);
    });
  });

  it('loads, signs with SigV4 including the port in Host, and exposes data and headers', async () => {
    const factory = await TestBed.inject(APIG_FACTORY)();
    const client = factory.newClient({
      invokeUrl: location.origin,
      region: 'us-east-1',
      accessKey: 'AKIDEXAMPLE',
      secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      sessionToken: 'session-token',
      host: location.host,
    });
    const response = await client.invokeApi({}, '/favicon.ico', 'GET', {}, '');
    expect(response.status).toBe(200);
    expect(response.data).toBeTruthy();
    expect(Object.keys(response.headers)).toContain('content-type');

    expect(sent['x-amz-security-token']).toBe('session-token');
    const authorization = sent['authorization'];
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=accept;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );

    const date = sent['x-amz-date'];
    const signer = new SignatureV4({
      service: 'execute-api',
      region: 'us-east-1',
      sha256: Sha256,
      applyChecksum: false,
      credentials: {
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
    });
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: location.protocol,
        hostname: location.hostname,
        port: Number(location.port),
        path: '/favicon.ico',
        query: {},
        headers: { accept: sent['accept'], host: location.host },
      },
      {
        signingDate: new Date(
          `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
        ),
      },
    );
    expect(signed.headers['authorization']).toBe(authorization);
  });

  it('rejects with the response on an error status', async () => {
    const factory = await TestBed.inject(APIG_FACTORY)();
    const client = factory.newClient({ invokeUrl: location.origin, region: 'us-east-1' });
    const error = await client.invokeApi({}, '/no-such-file.json', 'GET', {}, '').catch((e) => e);
    expect(error.response.status).toBe(404);
  });
});
