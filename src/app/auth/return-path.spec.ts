import { HOME, returnPath } from './return-path';

describe('returnPath', () => {
  it('keeps an app path with its query', () => {
    expect(returnPath('/')).toBe('/');
    expect(returnPath('/sales')).toBe('/sales');
    expect(returnPath('/?type=cat&sort=price')).toBe('/?type=cat&sort=price');
    expect(returnPath('/pets/7?from=list')).toBe('/pets/7?from=list');
  });

  it('drops the fragment, where Auth0 answers', () => {
    expect(returnPath('/sales#access_token=x')).toBe('/sales');
  });

  it('gives home for anything that is not an app path', () => {
    for (const value of [
      undefined,
      null,
      42,
      { returnTo: '/sales' },
      '',
      'sales',
      'https://evil.example/',
      'https://evil.example',
      '//evil.example',
      'javascript:',
      'http://localhost:4200/sales',
      'javascript:alert(1)',
      '//evil.example/path',
      '/\\evil.example',
      '/\\/evil.example',
      '/\t/evil.example',
      '/sales\n',
      `/${'a'.repeat(3000)}`,
    ]) {
      expect(returnPath(value)).withContext(String(value)).toBe(HOME);
    }
  });

  it('never returns to a sign-in page, which would loop', () => {
    expect(returnPath('/login')).toBe(HOME);
    expect(returnPath('/login?returnTo=/sales')).toBe(HOME);
    expect(returnPath('/callback')).toBe(HOME);
    expect(returnPath('/sales/../callback')).toBe(HOME);
  });
});
