//! Single sign-on with OpenID Connect, on the `openidconnect` crate: the authorization
//! code flow with PKCE, `state` and `nonce`; the provider found by discovery (on the
//! first login, then kept, and read again once when a token's signature does not verify
//! with the keys it listed: providers rotate their keys); the ID token's signature,
//! issuer, audience, expiry and nonce checked before anyone is let in.

use base64::Engine;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use crate::auth::hash_token;

/// Where the provider sends the visitor back, under the public URL.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

/// The identity provider this server trusts, as the operator configured it.
pub struct Oidc {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: ClientSecret,
    /// `(claim, value)`: a member whose ID token's `claim` is `value` (or a list holding
    /// it) is an admin; checked on every login.
    admin_claim: Option<(String, String)>,
    /// Passwords are off: members log in through the provider only.
    pub only: bool,
    /// What "Log in with …" names: `--oidc-name`, or the issuer's host.
    pub name: String,
    http: reqwest::Client,
    metadata: RwLock<Option<CoreProviderMetadata>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id.as_str())
            .finish_non_exhaustive()
    }
}

/// A login on its way through the provider, kept in the visitor's session until the
/// provider sends them back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    /// Where to go afterwards: a path on this site.
    pub next: String,
    /// The first-run setup link this login came from, if any: the member it makes is
    /// the server's first admin.
    #[serde(default)]
    pub setup: Option<String>,
}

/// Who the provider says logged in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub preferred_username: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The admin claim holds.
    pub admin: bool,
}

/// Why a single sign-on did not log anyone in.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// The provider could not be reached or answered something unusable (502).
    #[error("{0}")]
    Provider(String),
    /// What came back fails a check: the login is refused (400).
    #[error("{0}")]
    Refused(String),
}

impl Oidc {
    /// The provider at `issuer` with this client; `admin_claim` is `claim=value`.
    pub fn new(
        issuer: &str,
        client_id: &str,
        client_secret: &str,
        admin_claim: Option<&str>,
        only: bool,
        name: Option<&str>,
    ) -> Result<Oidc, String> {
        let issuer_url = IssuerUrl::new(issuer.trim_end_matches('/').to_owned())
            .map_err(|e| format!("`--oidc-issuer {issuer}` is not a URL: {e}"))?;
        let admin_claim = admin_claim
            .map(|text| {
                text.split_once('=')
                    .map(|(claim, value)| (claim.trim().to_owned(), value.trim().to_owned()))
                    .filter(|(claim, value)| !claim.is_empty() && !value.is_empty())
                    .ok_or_else(|| {
                        format!("`--oidc-admin-claim {text}`: write it as claim=value, e.g. groups=estimation-admins")
                    })
            })
            .transpose()?;
        let host = issuer_url.url().host_str().unwrap_or(issuer).to_owned();
        let http = reqwest::Client::builder()
            // The provider's answers are read as they are: a redirect would be a way around
            // the issuer check.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Oidc {
            issuer: issuer_url,
            client_id: ClientId::new(client_id.to_owned()),
            client_secret: ClientSecret::new(client_secret.to_owned()),
            admin_claim,
            only,
            name: name.map_or(host, str::to_owned),
            http,
            metadata: RwLock::new(None),
        })
    }

    /// Whether an admin claim decides who is an admin.
    pub fn has_admin_claim(&self) -> bool {
        self.admin_claim.is_some()
    }

    /// The issuer, as configured.
    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// The provider's metadata and keys: as discovered before, unless `again`.
    async fn metadata(&self, again: bool) -> Result<CoreProviderMetadata, SsoError> {
        if !again && let Some(known) = self.metadata.read().await.as_ref() {
            return Ok(known.clone());
        }
        let found = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, issuer = %self.issuer.as_str(), "OpenID discovery failed");
                SsoError::Provider(format!(
                    "{} cannot be reached just now. Try again in a moment.",
                    self.name
                ))
            })?;
        *self.metadata.write().await = Some(found.clone());
        Ok(found)
    }

    /// A client of the provider as `metadata` describes it, returning to `redirect`.
    fn client(
        &self,
        metadata: CoreProviderMetadata,
        redirect: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        SsoError,
    > {
        Ok(CoreClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            Some(self.client_secret.clone()),
        )
        .set_redirect_uri(redirect_url(redirect)?))
    }

    /// Where to send the visitor to log in, and what to keep in their session meanwhile.
    /// `redirect` is this server's callback URL.
    pub async fn start(&self, redirect: &str, next: String) -> Result<(String, Pending), SsoError> {
        let client = self.client(self.metadata(false).await?, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge);
        if let Some((claim, _)) = &self.admin_claim {
            // Providers release a claim such as `groups` for the scope of that name.
            request = request.add_scope(Scope::new(claim.clone()));
        }
        let (url, state, nonce) = request.url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            next,
            setup: None,
        };
        Ok((url.to_string(), pending))
    }

    /// Checks what the provider sent back with the login `pending` started, exchanges
    /// the code and verifies the ID token; who logged in.
    pub async fn finish(
        &self,
        redirect: &str,
        pending: Pending,
        code: &str,
        state: &str,
    ) -> Result<Identity, SsoError> {
        if !same(state, &pending.state) {
            return Err(SsoError::Refused(
                "The answer does not belong to the login started here (its state differs).".into(),
            ));
        }
        let client = self.client(self.metadata(false).await?, redirect)?;
        let exchange = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SsoError::Provider(format!("{} has no token endpoint: {e}", self.name)))?;
        let response = exchange
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "the OpenID token exchange failed");
                SsoError::Refused(format!("{} did not accept the login code.", self.name))
            })?;
        let token = response
            .id_token()
            .ok_or_else(|| SsoError::Provider(format!("{} sent no ID token.", self.name)))?;
        let nonce = Nonce::new(pending.nonce);
        let claims = match token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => claims.clone(),
            // Signed with a key not listed when the provider was last read: read it again.
            Err(openidconnect::ClaimsVerificationError::SignatureVerification(_)) => {
                let fresh = self.client(self.metadata(true).await?, redirect)?;
                token
                    .claims(&fresh.id_token_verifier(), &nonce)
                    .map_err(|e| SsoError::Refused(refusal(&e)))?
                    .clone()
            }
            Err(e) => return Err(SsoError::Refused(refusal(&e))),
        };
        let admin = self
            .admin_claim
            .as_ref()
            .is_some_and(|(claim, value)| holds(&token.to_string(), claim, value));
        Ok(Identity {
            issuer: self.issuer.as_str().to_owned(),
            subject: claims.subject().as_str().to_owned(),
            preferred_username: claims.preferred_username().map(|u| u.as_str().to_owned()),
            email: claims.email().map(|e| e.as_str().to_owned()),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_owned()),
            admin,
        })
    }
}

fn redirect_url(redirect: &str) -> Result<RedirectUrl, SsoError> {
    RedirectUrl::new(redirect.to_owned())
        .map_err(|e| SsoError::Provider(format!("the callback URL {redirect} is not a URL: {e}")))
}

/// Compares two secrets without telling how much of them matched: their hashes, as
/// tokens and setup links are compared.
fn same(a: &str, b: &str) -> bool {
    hash_token(a) == hash_token(b)
}

/// Why an ID token was refused, for the visitor.
fn refusal(error: &openidconnect::ClaimsVerificationError) -> String {
    use openidconnect::ClaimsVerificationError as E;
    let why = match error {
        E::Expired(_) => "it has expired",
        E::InvalidAudience(_) => "it was issued for another application",
        E::InvalidNonce(_) => "it answers another login (its nonce differs)",
        E::InvalidIssuer(_) => "it comes from another issuer",
        E::SignatureVerification(_) => "its signature does not verify",
        _ => "it fails a check",
    };
    tracing::warn!(%error, "an ID token was refused");
    format!("The identity token was refused: {why}.")
}

/// Whether the verified ID token `jwt` has `claim` equal to `value`, or a list holding it.
fn holds(jwt: &str, claim: &str, value: &str) -> bool {
    let Some(payload) = jwt.split('.').nth(1) else {
        return false;
    };
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload) else {
        return false;
    };
    let Ok(claims) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return false;
    };
    match &claims[claim] {
        serde_json::Value::String(one) => one == value,
        serde_json::Value::Array(many) => many.iter().any(|v| v.as_str() == Some(value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> String {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("header.{payload}.signature")
    }

    #[test]
    fn the_admin_claim_holds_for_a_value_or_a_list_holding_it() {
        let groups = jwt(serde_json::json!({"groups": ["dev", "estimation-admins"]}));
        assert!(holds(&groups, "groups", "estimation-admins"));
        assert!(!holds(&groups, "groups", "estimation"));
        assert!(holds(
            &jwt(serde_json::json!({"role": "admin"})),
            "role",
            "admin"
        ));
        assert!(!holds(
            &jwt(serde_json::json!({"role": ["x"]})),
            "groups",
            "x"
        ));
        assert!(!holds("not a token", "groups", "x"));
    }

    #[test]
    fn the_admin_claim_setting_is_claim_equals_value() {
        let made = |claim| {
            Oidc::new(
                "https://id.example.com",
                "av",
                "s",
                Some(claim),
                false,
                None,
            )
        };
        assert!(made("groups=estimation-admins").is_ok());
        for bad in ["groups", "=x", "groups="] {
            assert!(made(bad).is_err(), "{bad}");
        }
        assert_eq!(made("a=b").unwrap().name, "id.example.com");
    }
}
