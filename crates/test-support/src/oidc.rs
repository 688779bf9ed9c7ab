//! An OpenID provider that misbehaves on purpose, for what a certified provider never
//! does: ID tokens answering another login's nonce, issued for another application, or
//! expired. It follows the protocol otherwise (discovery, JWKS, a code for the state it
//! was given, a token endpoint) and signs with a real RS256 key (`oidc-test-key.pem`,
//! made for these tests only), or after [`OidcStandIn::rotate_keys`] with another one
//! (`oidc-test-key-2.pem`), as providers rotate theirs. The happy path is tested against the real provider,
//! `scripts/oidc-provider.mjs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{Duration, Utc};
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserUsername, IssuerUrl, JsonWebKeyId, Nonce,
    PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpListener;

/// What the ID token gets wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mischief {
    /// Nothing: a valid token.
    None,
    /// The nonce of some other login.
    WrongNonce,
    /// Issued for another client id.
    OtherAudience,
    /// Expired ten minutes ago.
    Expired,
}

/// A running stand-in provider; stops with the test's runtime.
pub struct OidcStandIn {
    /// Its issuer URL, `http://127.0.0.1:PORT`.
    pub issuer: String,
    state: Arc<Shared>,
}

struct Shared {
    issuer: String,
    mischief: Mutex<Mischief>,
    /// Signing with the second key, which the JWKS then lists instead of the first.
    rotated: Mutex<bool>,
    /// The nonce each code was given for.
    nonces: Mutex<HashMap<String, String>>,
}

impl OidcStandIn {
    /// The client id whose tokens are right.
    pub const CLIENT_ID: &str = "asyncvoter";
    /// Any secret does: the stand-in does not check client credentials.
    pub const CLIENT_SECRET: &str = "stand-in-secret";

    /// Starts it on a free port.
    pub async fn start() -> OidcStandIn {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let issuer = format!("http://{}", listener.local_addr().expect("bound"));
        let state = Arc::new(Shared {
            issuer: issuer.clone(),
            mischief: Mutex::new(Mischief::None),
            rotated: Mutex::new(false),
            nonces: Mutex::default(),
        });
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        OidcStandIn { issuer, state }
    }

    /// Signs from now on with a new key, listed alone in the JWKS.
    pub fn rotate_keys(&self) {
        *self.state.rotated.lock().unwrap() = true;
    }

    /// Makes the next ID tokens wrong in this way.
    pub fn misbehave(&self, mischief: Mischief) {
        *self.state.mischief.lock().unwrap() = mischief;
    }
}

fn signing_key(shared: &Shared) -> CoreRsaPrivateSigningKey {
    let (pem, kid) = if *shared.rotated.lock().unwrap() {
        (include_str!("oidc-test-key-2.pem"), "test-key-2")
    } else {
        (include_str!("oidc-test-key.pem"), "test-key")
    };
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.into())))
        .expect("the test key reads")
}

async fn discovery(State(state): State<Arc<Shared>>) -> impl IntoResponse {
    let issuer = &state.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    Json(CoreJsonWebKeySet::new(vec![
        signing_key(&shared).as_verification_key(),
    ]))
}

#[derive(Deserialize)]
struct Authorize {
    redirect_uri: String,
    state: String,
    nonce: String,
}

/// Logs the visitor in at once: back to the client with a code for its state.
async fn authorize(State(shared): State<Arc<Shared>>, Query(asked): Query<Authorize>) -> Redirect {
    let code = format!("code-{}", rand::random::<u64>());
    shared
        .nonces
        .lock()
        .unwrap()
        .insert(code.clone(), asked.nonce);
    let mut back = url::Url::parse(&asked.redirect_uri).expect("a redirect URI");
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &asked.state);
    Redirect::to(back.as_str())
}

#[derive(Deserialize)]
struct TokenRequest {
    code: String,
}

async fn token(
    State(shared): State<Arc<Shared>>,
    Form(asked): Form<TokenRequest>,
) -> impl IntoResponse {
    let nonce = shared
        .nonces
        .lock()
        .unwrap()
        .remove(&asked.code)
        .unwrap_or_default();
    let mischief = *shared.mischief.lock().unwrap();
    let now = Utc::now();
    let (issued, expires) = match mischief {
        Mischief::Expired => (now - Duration::minutes(20), now - Duration::minutes(10)),
        _ => (now, now + Duration::minutes(5)),
    };
    let audience = match mischief {
        Mischief::OtherAudience => "another-application",
        _ => OidcStandIn::CLIENT_ID,
    };
    let nonce = match mischief {
        Mischief::WrongNonce => "the-nonce-of-another-login".to_owned(),
        _ => nonce,
    };
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(shared.issuer.clone()).expect("a URL"),
        vec![Audience::new(audience.into())],
        expires,
        issued,
        StandardClaims::new(SubjectIdentifier::new("stand-in-user".into()))
            .set_preferred_username(Some(EndUserUsername::new("mallory".into()))),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(nonce)));
    let id_token = CoreIdToken::new(
        claims,
        &signing_key(&shared),
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .expect("the token signs");
    Json(json!({
        "access_token": "stand-in-access-token",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token.to_string(),
    }))
}
