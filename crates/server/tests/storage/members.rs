//! Members, integrations, login failures and sessions.

use asyncvoter_server::rules;
use asyncvoter_server::store::{MemberRecord, StoreError};
use asyncvoter_wire::Role;
use chrono::Duration;
use tower_sessions::session::{Id, Record};

use crate::backends::on_every_backend;

#[tokio::test]
async fn members_and_integrations_are_unique_and_found_again() {
    on_every_backend(|store, backend| async move {
        let ana = MemberRecord {
            username: "ana".into(),
            display_name: "Ana Lima".into(),
            role: Role::Admin,
            password_hash: "$argon2id$fake".into(),
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

        store
            .create_integration("bot", "hash-1", rules::now())
            .await
            .unwrap();
        assert!(matches!(
            store
                .create_integration("bot", "hash-2", rules::now())
                .await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            store
                .integration_by_token("hash-1")
                .await
                .unwrap()
                .unwrap()
                .name,
            "bot"
        );
        assert!(
            store
                .integration_by_token("hash-2")
                .await
                .unwrap()
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn login_failures_are_counted_in_a_window_and_old_ones_forgotten() {
    on_every_backend(|store, backend| async move {
        let now = rules::now();
        let keys = vec!["account:ana".to_owned(), "address:10.0.0.1".to_owned()];
        store
            .record_login_failure(&keys, now - Duration::minutes(5), now - Duration::hours(1))
            .await
            .unwrap();
        store
            .record_login_failure(&keys[..1], now, now - Duration::minutes(1))
            .await
            .unwrap();
        let recent = store
            .login_failures("account:ana", now - Duration::minutes(1))
            .await
            .unwrap();
        assert_eq!(recent.len(), 1, "{backend}");
        let all = store
            .login_failures("address:10.0.0.1", now - Duration::hours(2))
            .await
            .unwrap();
        assert!(
            all.is_empty(),
            "{backend}: forgotten once older than the window"
        );
    })
    .await;
}

#[tokio::test]
async fn sessions_are_kept_in_the_database() {
    on_every_backend(|store, backend| async move {
        let sessions = store.sessions();
        let mut record = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        };
        record
            .data
            .insert("member".into(), serde_json::json!("ana"));
        sessions.create(&mut record).await.unwrap();
        let loaded = sessions
            .load(&record.id)
            .await
            .unwrap()
            .expect("the session");
        assert_eq!(loaded.data["member"], "ana", "{backend}");
        sessions.delete(&record.id).await.unwrap();
        assert!(sessions.load(&record.id).await.unwrap().is_none());
    })
    .await;
}
