//! Single sign-on's refusals, against a provider that misbehaves on purpose
//! (`OidcStandIn`): a tampered `state`, an ID token answering another login's nonce,
//! issued for another application, or expired; a replayed answer; a disabled member.
//! Each is refused with a page saying why, and nobody is logged in. (Logging in through
//! the real provider is the browser test `single_sign_on.rs`.)

use std::sync::Arc;

use reqwest::header::{COOKIE, LOCATION};
use reqwest::{Method, StatusCode, redirect};

use asyncvoter_server::Settings;
use asyncvoter_server::auth::oidc::Oidc;
use asyncvoter_server::store::MemberChanges;
use asyncvoter_test_support::{Mischief, OidcStandIn, TestServer};
use asyncvoter_wire::Role;

use crate::helpers::*;

async fn app_with(stand_in: &OidcStandIn, only: bool) -> TestApp {
    let oidc = Oidc::new(
        &stand_in.issuer,
        OidcStandIn::CLIENT_ID,
        OidcStandIn::CLIENT_SECRET,
        None,
        only,
        Some("Stand-in ID"),
    )
    .unwrap();
    spawn_app_with_settings(Settings {
        oidc: Some(Arc::new(oidc)),
        ..TestServer::settings(asyncvoter_server::LegacyApi::Token, None)
    })
    .await
}

/// What the callback answered, and the session cookie the visitor holds afterwards.
struct Outcome {
    status: StatusCode,
    location: Option<String>,
    body: String,
    cookie: String,
}

/// Goes from `/auth/oidc/login?next=` through the stand-in and back, changing the
/// callback's query with `tamper` first.
async fn log_in(app: &TestApp, next: &str, tamper: impl Fn(String) -> String) -> Outcome {
    log_in_from(app, &format!("/auth/oidc/login?next={next}"), tamper).await
}

/// Goes from `start` (a login link) through the stand-in and back.
async fn log_in_from(app: &TestApp, start: &str, tamper: impl Fn(String) -> String) -> Outcome {
    let browser = reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let started = browser
        .get(format!("{}{start}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::SEE_OTHER, "to the provider");
    let cookie = session_cookie(started.headers()).expect("the login is kept in a session");
    let to_provider = started.headers()[LOCATION].to_str().unwrap().to_owned();
    assert!(
        to_provider.contains("code_challenge_method=S256"),
        "{to_provider}"
    );
    assert!(to_provider.contains("nonce="), "{to_provider}");
    let back = browser.get(&to_provider).send().await.unwrap();
    let callback = tamper(back.headers()[LOCATION].to_str().unwrap().to_owned());
    let answer = browser
        .get(&callback)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let location = answer
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned());
    let cookie = session_cookie(answer.headers()).unwrap_or(cookie);
    Outcome {
        status,
        location,
        body: answer.text().await.unwrap(),
        cookie,
    }
}

/// A refusal: its name, what the provider gets wrong, how the answer is changed on its
/// way back, and the reason the page must give.
type Case = (&'static str, Mischief, fn(String) -> String, &'static str);

async fn who(app: &TestApp, cookie: &str) -> StatusCode {
    app.send(
        As::Member(&Session {
            cookie: cookie.to_owned(),
        }),
        Method::GET,
        "/api/session",
        None,
    )
    .await
    .status
}

#[tokio::test]
async fn every_wrong_answer_is_refused_with_a_reason_and_logs_nobody_in() {
    let stand_in = OidcStandIn::start().await;
    let app = app_with(&stand_in, false).await;
    let cases: [Case; 4] = [
        (
            "a tampered state",
            Mischief::None,
            |url| url.replace("state=", "state=x"),
            "its state differs",
        ),
        (
            "another login's nonce",
            Mischief::WrongNonce,
            |url| url,
            "its nonce differs",
        ),
        (
            "a token for another application",
            Mischief::OtherAudience,
            |url| url,
            "issued for another application",
        ),
        (
            "an expired token",
            Mischief::Expired,
            |url| url,
            "it has expired",
        ),
    ];
    for (case, mischief, tamper, why) in cases {
        stand_in.misbehave(mischief);
        let outcome = log_in(&app, "/history", tamper).await;
        assert_eq!(
            outcome.status,
            StatusCode::BAD_REQUEST,
            "{case}: {}",
            outcome.body
        );
        assert!(outcome.body.contains(why), "{case}: {}", outcome.body);
        assert!(outcome.body.contains("Nobody was logged in"), "{case}");
        assert_eq!(
            who(&app, &outcome.cookie).await,
            StatusCode::NO_CONTENT,
            "{case}: a session"
        );
    }
    assert!(
        app.store.members().await.unwrap().is_empty(),
        "nobody was made"
    );
}

#[tokio::test]
async fn a_good_answer_logs_in_once_returns_home_only_and_a_disabled_member_stays_out() {
    let stand_in = OidcStandIn::start().await;
    let app = app_with(&stand_in, false).await;
    let outcome = log_in(&app, "/history", |url| url).await;
    assert_eq!(outcome.status, StatusCode::SEE_OTHER, "{}", outcome.body);
    assert_eq!(outcome.location.as_deref(), Some("/history"));
    assert_eq!(who(&app, &outcome.cookie).await, StatusCode::OK);
    let mallory = app.store.member("mallory").await.unwrap().expect("made");
    assert_eq!(mallory.role, Role::Member);

    // The same answer again finds no login waiting for it.
    let browser = reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let replay = log_in(&app, "/", |url| url).await;
    let again = browser
        .get(format!(
            "{}/auth/oidc/callback?code=code-1&state=whatever",
            app.base
        ))
        .header(COOKIE, &replay.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("was not started here, or was finished already")
    );

    for elsewhere in ["//evil.example/x", "https://evil.example/", "/%09/evil"] {
        let outcome = log_in(&app, &elsewhere.replace('/', "%2F"), |url| url).await;
        assert_eq!(
            outcome
                .location
                .as_deref()
                .map(|l| l.starts_with("//") || l.contains("evil.example")),
            Some(false),
            "{elsewhere}: {:?}",
            outcome.location
        );
    }

    let disable = MemberChanges {
        disabled: Some(true),
        ..MemberChanges::default()
    };
    app.store
        .update_member("mallory", &disable, asyncvoter_server::rules::now())
        .await
        .unwrap();
    let refused = log_in(&app, "/", |url| url).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("disabled"));
    assert_eq!(who(&app, &refused.cookie).await, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn with_single_sign_on_only_passwords_are_refused() {
    let stand_in = OidcStandIn::start().await;
    let app = app_with(&stand_in, true).await;
    let password = app.add_member("ana", Role::Admin).await;
    let (reply, cookie) = app.log_in_with("ana", &password).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(
        reply.body.contains("through Stand-in ID only"),
        "{}",
        reply.body
    );
    assert!(cookie.is_none());
}

#[tokio::test]
async fn with_single_sign_on_only_the_setup_link_makes_the_first_admin_through_the_provider() {
    let stand_in = OidcStandIn::start().await;
    let app = app_with(&stand_in, true).await;
    let path = app
        .setup_path
        .clone()
        .expect("an empty server opens a setup link");
    let page = app.send(As::Anonymous, Method::GET, &path, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("type=\"password\""), "{}", page.body);
    let token = path.trim_start_matches("/setup?token=");
    let login = format!("/auth/oidc/login?setup={token}");
    assert!(page.body.contains(&login), "{}", page.body);
    assert!(
        page.body.contains("Log in with Stand-in ID"),
        "{}",
        page.body
    );

    // A password posted to the link anyway makes nobody.
    let form =
        format!("token={token}&username=ana&password=a+long+passphrase&repeat=a+long+passphrase");
    let posted = reqwest::Client::new()
        .post(format!("{}/setup", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::FORBIDDEN);
    assert!(app.store.members().await.unwrap().is_empty());

    // A guessed token does not start a login.
    let guessed = app
        .send(
            As::Anonymous,
            Method::GET,
            "/auth/oidc/login?setup=av_guess",
            None,
        )
        .await;
    assert_eq!(guessed.status, StatusCode::GONE);

    let made = log_in_from(&app, &login, |url| url).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(who(&app, &made.cookie).await, StatusCode::OK);
    let mallory = app.store.member("mallory").await.unwrap().expect("made");
    assert_eq!(
        mallory.role,
        Role::Admin,
        "the setup login's member is the admin"
    );

    // The link is spent: a second login through it is refused and makes nobody an admin.
    let again = app.send(As::Anonymous, Method::GET, &login, None).await;
    assert_eq!(again.status, StatusCode::GONE, "{}", again.body);
    assert_eq!(app.store.members().await.unwrap().len(), 1);
}

#[tokio::test]
async fn without_a_provider_the_sign_on_routes_do_not_exist() {
    let app = spawn_app().await;
    for path in ["/auth/oidc/login", "/auth/oidc/callback?code=a&state=b"] {
        let reply = app.send(As::Anonymous, Method::GET, path, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_provider_that_rotates_its_keys_is_read_again_and_logins_go_on() {
    let stand_in = OidcStandIn::start().await;
    let app = app_with(&stand_in, false).await;
    let first = log_in(&app, "/", |url| url).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    stand_in.rotate_keys();
    let after = log_in(&app, "/", |url| url).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "{}", after.body);
    assert_eq!(who(&app, &after.cookie).await, StatusCode::OK);
}
