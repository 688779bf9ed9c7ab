// A real OpenID Connect provider for the tests: the certified `oidc-provider` package
// from npm, with one confidential client (`asyncvoter` / `test-secret`) and two people:
// `ana` (in the `estimation-admins` group) and `ben`. Its development login form takes
// the account name and any password.
//
//   node scripts/oidc-provider.mjs PORT REDIRECT_URI
//
// Prints `ready` once it listens on 127.0.0.1:PORT.
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
if (!port || !redirectUri) {
  console.error('usage: node scripts/oidc-provider.mjs PORT REDIRECT_URI');
  process.exit(2);
}

const people = {
  ana: {
    preferred_username: 'ana.lima',
    name: 'Ana Lima',
    email: 'ana@example.com',
    email_verified: true,
    groups: ['dev', 'estimation-admins'],
  },
  ben: {
    preferred_username: 'ben',
    name: 'Ben Okafor',
    email: 'ben@example.com',
    email_verified: true,
    groups: ['dev'],
  },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'asyncvoter',
      client_secret: 'test-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  scopes: ['openid', 'profile', 'email', 'groups'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // The claims the scopes grant go into the ID token itself, where AsyncVoter reads them.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['asyncvoter-tests-only'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...person }; } };
  },
});

provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
