//! Members, integrations, login attempts and sessions.

use std::sync::Arc;

use asyncvoter_server::rules;
use asyncvoter_server::store::{
    MemberChanges, MemberRecord, NO_PASSWORD, Reservation, SessionRecord, SsoProfile, Store,
    StoreError,
};
use asyncvoter_wire::{Role, Scope};
use chrono::Duration;

use crate::backends::on_every_backend;

#[tokio::test]
async fn members_and_integrations_are_unique_and_found_again() {
    on_every_backend(|store, backend| async move {
        let ana = MemberRecord {
            username: "ana".into(),
            display_name: "Ana Lima".into(),
            role: Role::Admin,
            password_hash: "$argon2id$fake".into(),
            email: None,
            disabled: false,
        };
        store.create_member(&ana, rules::now()).await.unwrap();
        assert!(matches!(
            store.create_member(&ana, rules::now()).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            store.member("ana").await.unwrap(),
            Some(ana.clone()),
            "{backend}"
        );
        store
            .set_password("ana", "$argon2id$new", rules::now())
            .await
            .unwrap();
        assert_eq!(
            store.member("ana").await.unwrap().unwrap().password_hash,
            "$argon2id$new"
        );
        assert!(matches!(
            store.set_password("bob", "x", rules::now()).await,
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(store.members().await.unwrap().len(), 1);
        let names = store
            .display_names(&["ana".into(), "nobody".into()])
            .await
            .unwrap();
        assert_eq!(names, [("ana".into(), "Ana Lima".into())]);
    })
    .await;
}

#[tokio::test]
async fn integrations_keep_their_scopes_note_their_use_and_can_be_revoked() {
    on_every_backend(|store, backend| async move {
        let created = rules::now();
        let scopes = [Scope::Legacy, Scope::VotesWrite, Scope::Legacy];
        store
            .create_integration("bot", "hash-1", &scopes, 10, created)
            .await
            .unwrap();
        assert!(matches!(
            store
                .create_integration("bot", "hash-2", &[Scope::VotesWrite], 10, created)
                .await,
            Err(StoreError::Conflict(_))
        ));
        let bot = store
            .integration_by_token("hash-1", created)
            .await
            .unwrap()
            .expect("found by its hash");
        assert_eq!(bot.name, "bot");
        assert_eq!(
            bot.scopes,
            [Scope::VotesWrite, Scope::Legacy],
            "{backend}: sorted, once each"
        );
        assert!(
            store
                .integration_by_token("hash-2", created)
                .await
                .unwrap()
                .is_none()
        );

        // Use is written at most once a minute.
        store
            .integration_by_token("hash-1", created + Duration::seconds(30))
            .await
            .unwrap();
        let listed = store.integrations().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].created_at, created);
        assert_eq!(listed[0].last_used_at, Some(created), "{backend}");
        let later = created + Duration::seconds(61);
        store.integration_by_token("hash-1", later).await.unwrap();
        assert_eq!(
            store.integrations().await.unwrap()[0].last_used_at,
            Some(later)
        );

        store.revoke_integration("bot").await.unwrap();
        assert!(
            store
                .integration_by_token("hash-1", later)
                .await
                .unwrap()
                .is_none(),
            "{backend}: revoked at once"
        );
        assert!(matches!(
            store.revoke_integration("bot").await,
            Err(StoreError::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn login_attempts_are_reserved_within_the_limit_even_all_at_once() {
    on_every_backend(|store, backend| async move {
        let now = rules::now();
        let since = now - Duration::minutes(1);
        let keys = vec!["account:ana".to_owned(), "address:10.0.0.1".to_owned()];
        // 50 attempts at once: exactly 10 are counted, the rest refused.
        let attempts = (0..50).map(|_| {
            let (store, keys) = (store.clone(), keys.clone());
            tokio::spawn(async move {
                store
                    .reserve_login_attempt(&keys, now, since, 10)
                    .await
                    .unwrap()
            })
        });
        let mut made = Vec::new();
        let mut full = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Reservation::Made(id) => made.push(id),
                Reservation::Full(at) => {
                    assert_eq!(at, now, "{backend}: frees up when the 10th leaves");
                    full += 1;
                }
            }
        }
        assert_eq!((made.len(), full), (10, 40), "{backend}");

        // A cleared (successful) attempt no longer counts.
        store.clear_login_attempt(made[0]).await.unwrap();
        assert!(matches!(
            store
                .reserve_login_attempt(&keys[..1], now, since, 10)
                .await
                .unwrap(),
            Reservation::Made(_)
        ));
        // Another address for the same account is still held by the account's count.
        assert!(matches!(
            store
                .reserve_login_attempt(
                    &["account:ana".into(), "address:10.9.9.9".into()],
                    now,
                    since,
                    10
                )
                .await
                .unwrap(),
            Reservation::Full(_)
        ));
        // A minute later the window is empty again, and old attempts are forgotten.
        let later = now + Duration::seconds(61);
        assert!(matches!(
            store
                .reserve_login_attempt(&keys, later, later - Duration::minutes(1), 10)
                .await
                .unwrap(),
            Reservation::Made(_)
        ));
    })
    .await;
}

fn session(id_hash: &str, member: Option<&str>, expires_in: Duration) -> SessionRecord {
    SessionRecord {
        id_hash: id_hash.into(),
        member: member.map(str::to_owned),
        data: r#"{"member":"x"}"#.into(),
        expires_at: rules::now() + expires_in,
    }
}

async fn live_sessions(store: &Arc<dyn Store>, hashes: &[&str]) -> Vec<String> {
    let mut live = Vec::new();
    for hash in hashes {
        if store.session(hash, rules::now()).await.unwrap().is_some() {
            live.push((*hash).to_owned());
        }
    }
    live
}

#[tokio::test]
async fn sessions_are_kept_by_hash_and_end_per_member() {
    on_every_backend(|store, backend| async move {
        let now = rules::now();
        let hour = Duration::hours(1);
        for record in [
            session("a1", Some("ana"), hour),
            session("a2", Some("ana"), hour),
            session("b1", Some("ben"), hour),
            session("anon", None, hour),
        ] {
            assert!(store.create_session(&record, now).await.unwrap());
        }
        assert!(
            !store
                .create_session(&session("a1", None, hour), now)
                .await
                .unwrap(),
            "{backend}: a taken id is refused"
        );
        let mut changed = session("anon", Some("ben"), hour);
        changed.data = r#"{"member":"ben"}"#.into();
        store.save_session(&changed).await.unwrap();
        assert_eq!(
            store.session("anon", now).await.unwrap(),
            Some(changed),
            "{backend}"
        );

        assert_eq!(store.end_sessions_of("ana", Some("a2")).await.unwrap(), 1);
        assert_eq!(
            live_sessions(&store, &["a1", "a2", "b1", "anon"]).await,
            ["a2", "b1", "anon"]
        );
        assert_eq!(store.end_sessions_of("ben", None).await.unwrap(), 2);
        store.delete_session("a2").await.unwrap();
        assert!(
            live_sessions(&store, &["a1", "a2", "b1", "anon"])
                .await
                .is_empty()
        );

        // An expired session is not found, and the next new one sweeps it away.
        store
            .create_session(&session("old", Some("ana"), Duration::seconds(-1)), now)
            .await
            .unwrap();
        assert!(store.session("old", now).await.unwrap().is_none());
        store
            .create_session(&session("new", Some("ana"), hour), now)
            .await
            .unwrap();
        assert_eq!(
            store.end_sessions_of("ana", Some("new")).await.unwrap(),
            0,
            "{backend}: the expired one was already gone"
        );
    })
    .await;
}

#[tokio::test]
async fn disabling_ends_sessions_keeps_the_record_and_never_leaves_no_active_admin() {
    on_every_backend(|store, backend| async move {
        let now = rules::now();
        for (name, role) in [("root", Role::Admin), ("ana", Role::Member)] {
            let record = MemberRecord {
                username: name.into(),
                display_name: name.to_uppercase(),
                role,
                password_hash: "$argon2id$fake".into(),
                email: None,
                disabled: false,
            };
            store.create_member(&record, now).await.unwrap();
            let hash = format!("{name}-session");
            let live = session(&hash, Some(name), Duration::hours(1));
            assert!(store.create_session(&live, now).await.unwrap());
        }
        let disable = MemberChanges {
            disabled: Some(true),
            ..MemberChanges::default()
        };
        let ana = store.update_member("ana", &disable, now).await.unwrap();
        assert!(ana.disabled, "{backend}");
        assert!(store.member("ana").await.unwrap().unwrap().disabled);
        assert_eq!(
            live_sessions(&store, &["ana-session", "root-session"]).await,
            ["root-session"],
            "{backend}: only the disabled member's sessions end"
        );
        for changes in [
            disable.clone(),
            MemberChanges {
                role: Some(Role::Member),
                ..MemberChanges::default()
            },
        ] {
            let refused = store.update_member("root", &changes, now).await;
            assert!(
                matches!(refused, Err(StoreError::Conflict(_))),
                "{backend}: {refused:?}"
            );
        }
        assert!(
            store
                .member("root")
                .await
                .unwrap()
                .unwrap()
                .is_active_admin()
        );
        let email = MemberChanges {
            email: Some(Some("ana@example.com".into())),
            disabled: Some(false),
            ..MemberChanges::default()
        };
        let back = store.update_member("ana", &email, now).await.unwrap();
        assert_eq!(
            (back.disabled, back.email.as_deref()),
            (false, Some("ana@example.com"))
        );
        assert!(matches!(
            store.update_member("nobody", &email, now).await,
            Err(StoreError::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn single_sign_on_makes_a_member_once_keeps_them_in_step_and_never_drops_the_last_admin() {
    on_every_backend(|store, backend| async move {
        let now = rules::now();
        let taken = MemberRecord {
            username: "ana".into(),
            display_name: "Another Ana".into(),
            role: Role::Member,
            password_hash: "$argon2id$fake".into(),
            email: None,
            disabled: false,
        };
        store.create_member(&taken, now).await.unwrap();
        let profile = SsoProfile {
            issuer: "https://id.example.com".into(),
            subject: "s-1".into(),
            usernames: rules::sso_usernames(Some("Ana"), None),
            display_name: "Ana Lima".into(),
            email: Some("ana@example.com".into()),
            role: Some(Role::Admin),
        };
        let made = store.sso_member(&profile, now).await.unwrap();
        assert_eq!(
            (made.username.as_str(), made.role),
            ("ana-2", Role::Admin),
            "{backend}"
        );
        assert_eq!(made.password_hash, NO_PASSWORD);
        let renamed = SsoProfile {
            display_name: "Ana L.".into(),
            email: Some("ana@corp.example.com".into()),
            role: Some(Role::Member),
            ..profile.clone()
        };
        let again = store.sso_member(&renamed, now).await.unwrap();
        assert_eq!(
            again.username, "ana-2",
            "{backend}: one identity, one member"
        );
        assert_eq!(again.display_name, "Ana L.");
        assert_eq!(again.email.as_deref(), Some("ana@corp.example.com"));
        assert_eq!(
            again.role,
            Role::Admin,
            "{backend}: the last active admin stays one"
        );
        assert_eq!(store.members().await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn the_read_version_moves_with_every_event_and_every_shown_name_only() {
    on_every_backend(|store, backend| async move {
        let at = rules::now();
        let start = store.read_version().await.unwrap();
        let ana = MemberRecord {
            username: "ana".into(),
            display_name: "Ana Lima".into(),
            role: Role::Admin,
            password_hash: "$argon2id$fake".into(),
            email: None,
            disabled: false,
        };
        store.create_member(&ana, at).await.unwrap();
        let added = store.read_version().await.unwrap();
        assert_ne!(added.names, start.names, "{backend}: a new name");
        // What lists do not show moves nothing.
        store
            .set_password("ana", "$argon2id$new", at)
            .await
            .unwrap();
        let email = MemberChanges {
            email: Some(Some("ana@example.com".into())),
            ..MemberChanges::default()
        };
        store.update_member("ana", &email, at).await.unwrap();
        assert_eq!(store.read_version().await.unwrap(), added, "{backend}");
        let rename = MemberChanges {
            display_name: Some("Ana Lima-Souza".into()),
            ..MemberChanges::default()
        };
        store.update_member("ana", &rename, at).await.unwrap();
        let renamed = store.read_version().await.unwrap();
        assert!(renamed.names > added.names, "{backend}: a rename");
        assert_eq!(renamed.event, added.event);
        // An event, and an external voter's new name.
        let vote = store
            .create_vote(crate::backends::story("Checkout", None), at)
            .await
            .unwrap();
        let created = store.read_version().await.unwrap();
        assert!(created.event > renamed.event, "{backend}");
        let mut ballot = crate::backends::cast(&vote.id, "slack:T1:U1", "5");
        ballot.name = Some("Ben".into());
        store.cast_ballot(ballot).await.unwrap();
        let cast = store.read_version().await.unwrap();
        assert!(
            cast.event > created.event && cast.names > created.names,
            "{backend}"
        );
        // The same name again is no change to it.
        let mut again = crate::backends::cast(&vote.id, "slack:T1:U1", "8");
        again.name = Some("Ben".into());
        store.cast_ballot(again).await.unwrap();
        let recast = store.read_version().await.unwrap();
        assert!(recast.event > cast.event, "{backend}");
        if backend == "sqlite" {
            // PostgreSQL counts each upsert statement; SQLite only a changed name.
            assert_eq!(recast.names, cast.names);
        }
    })
    .await;
}

#[tokio::test]
async fn the_credentials_version_moves_when_a_session_a_member_or_a_token_ends_only() {
    on_every_backend(|store, backend| async move {
        let at = rules::now();
        let version = || async { store.credentials_version().await.unwrap() };
        let start = version().await;
        for name in ["root", "ana"] {
            let member = MemberRecord {
                username: name.into(),
                display_name: name.into(),
                role: Role::Admin,
                password_hash: "$argon2id$fake".into(),
                email: None,
                disabled: false,
            };
            store.create_member(&member, at).await.unwrap();
        }
        let hour = Duration::hours(1);
        store
            .create_session(&session("a1", Some("ana"), hour), at)
            .await
            .unwrap();
        store
            .create_session(&session("a2", Some("ana"), hour), at)
            .await
            .unwrap();
        store
            .create_integration("bot", "hash-1", &[Scope::VotesWrite], 10, at)
            .await
            .unwrap();
        store
            .set_password("ana", "$argon2id$new", at)
            .await
            .unwrap();
        store.end_sessions_of("nobody", None).await.unwrap();
        assert_eq!(version().await, start, "{backend}: nothing ended yet");

        store.delete_session("a1").await.unwrap();
        let logged_out = version().await;
        assert!(logged_out > start, "{backend}: a logout");
        let disable = MemberChanges {
            disabled: Some(true),
            ..MemberChanges::default()
        };
        store.update_member("ana", &disable, at).await.unwrap();
        let disabled = version().await;
        assert!(disabled > logged_out, "{backend}: a disabled member");
        store.update_member("ana", &disable, at).await.unwrap();
        assert_eq!(
            version().await,
            disabled,
            "{backend}: disabled again is no change"
        );
        store.revoke_integration("bot").await.unwrap();
        assert!(version().await > disabled, "{backend}: a revoked token");
    })
    .await;
}
