import { TestBed } from '@angular/core/testing';
import { STS_SDK } from './sts';

// The real STS client, lazily loaded as in the app: AssumeRoleWithWebIdentity must
// go out unsigned (the browser has no credentials yet), so pointing it at the test
// server must fail on the answer, never on "could not load credentials".
describe('@aws-sdk/client-sts in the browser', () => {
  it('sends AssumeRoleWithWebIdentity without needing credentials', async () => {
    let body = '';
    const originalFetch = window.fetch;
    spyOn(window, 'fetch').and.callFake(async (input, init) => {
      const request = new Request(input, init);
      body = await request.clone().text();
      return originalFetch(`${location.origin}/no-such-sts`, { method: 'POST' });
    });
    const { STSClient, AssumeRoleWithWebIdentityCommand } = await TestBed.inject(STS_SDK)();
    const client = new STSClient({ region: 'us-east-1', endpoint: 'http://localhost:1' });
    const error = await client
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: 'arn:aws:iam::000000000000:role/pets-admin',
          RoleSessionName: 'auth0-1',
          WebIdentityToken: 'the.id.token',
        }),
      )
      .catch((e: Error) => e);
    expect(error).toEqual(jasmine.any(Error));
    expect(String(error)).not.toMatch(/credential/i);
    expect(body).toContain('Action=AssumeRoleWithWebIdentity');
    expect(body).toContain('WebIdentityToken=the.id.token');
  });
});
