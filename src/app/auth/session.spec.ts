import { roleOf } from '../../../api/roles';
import { MemoryStorage } from '../../testing/memory-storage';
import { idToken, jwt } from '../../testing/tokens';
import { SESSION_KEY, displayName, readSession, sessionFromTokens, writeSession } from './session';

describe('session', () => {
  it('derives the role from the connection in sub', () => {
    expect(roleOf('auth0|abc')).toBe('admin');
    expect(roleOf('amazon|abc')).toBe('buyer');
    expect(roleOf('google-oauth2|auth0|x')).toBe('buyer');
  });

  it('builds a session from the ID token claims', () => {
    const token = idToken('auth0|1', 'admin@example.com');
    const session = sessionFromTokens(token, 'at');
    expect(session?.role).toBe('admin');
    expect(session?.profile).toEqual({ sub: 'auth0|1', email: 'admin@example.com' });
    expect(session?.accessToken).toBe('at');
    expect(session!.expiresAt).toBeGreaterThan(Date.now());
  });

  it('keeps a real name and greets by it', () => {
    const session = sessionFromTokens(jwt({ sub: 'amazon|1', exp: 2e9, name: 'Ann' }));
    expect(displayName(session!.profile)).toBe('Ann');
    expect(displayName({ sub: 'x|1', email: 'e@x' })).toBe('e@x');
    expect(displayName({ sub: 'x|1' })).toBe('x|1');
  });

  it('refuses tokens without sub or exp, or that do not decode', () => {
    expect(sessionFromTokens(jwt({ exp: 2e9 }))).toBeNull();
    expect(sessionFromTokens(jwt({ sub: 'a' }))).toBeNull();
    expect(sessionFromTokens('garbage')).toBeNull();
  });

  it('stores only the tokens and when they came, and restores the session while valid', () => {
    const storage = new MemoryStorage();
    writeSession(storage, sessionFromTokens(idToken(), 'at', 1234)!);
    expect(JSON.parse(storage.getItem(SESSION_KEY)!)).toEqual({
      idToken: jasmine.any(String),
      accessToken: 'at',
      receivedAt: 1234,
    });
    expect(readSession(storage)?.profile.email).toBe('admin@example.com');
    expect(readSession(storage)?.receivedAt).toBe(1234);
    expect(readSession(storage, Date.now() + 2 * 3600_000)).toBeNull();
    expect(storage.getItem(SESSION_KEY)).toBeNull();
  });

  it('counts an entry stored without receivedAt from its iat', () => {
    const storage = new MemoryStorage();
    const token = idToken();
    storage.setItem(SESSION_KEY, JSON.stringify({ idToken: token }));
    const iat = (
      JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
        iat: number;
      }
    ).iat;
    expect(readSession(storage)?.receivedAt).toBe(iat * 1000);
  });

  it('drops damaged entries', () => {
    const storage = new MemoryStorage();
    expect(readSession(storage)).toBeNull();
    storage.setItem(SESSION_KEY, '{');
    expect(readSession(storage)).toBeNull();
    storage.setItem(SESSION_KEY, '{"idToken":1}');
    expect(readSession(storage)).toBeNull();
    expect(storage.length).toBe(0);
  });
});
