//! The database's disk fills up: writes answer a clear 503, reads go on, no acknowledged
//! ballot is lost, and writes work again once there is space. A disk that turned
//! read-only is refused at start with a clear error, and its ballots are all there after.
//!
//! The disk is a small tmpfs mounted for the test, so this needs root (as CI runs); where
//! mounting is not permitted the test says so and does nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use asyncvoter_server::LegacyApi;
use asyncvoter_test_support::TestServer;
use reqwest::StatusCode;

use crate::{assert_unavailable, cast, start_vote, voters};

/// A tmpfs of a chosen size, unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    fn mount(path: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(path).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .output()
            .ok()?;
        if !mounted.status.success() {
            eprintln!(
                "cannot mount a tmpfs here ({}): the disk-fault test is skipped",
                String::from_utf8_lossy(&mounted.stderr).trim()
            );
            return None;
        }
        Some(SmallDisk {
            path: path.to_owned(),
        })
    }

    fn remount(&self, options: &str) {
        assert!(self.try_remount(options), "remount {options}");
    }

    fn try_remount(&self, options: &str) -> bool {
        Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.path)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

#[tokio::test]
async fn a_full_or_read_only_disk_gives_clear_errors_and_loses_no_acknowledged_ballot() {
    let dir = tempfile::tempdir().unwrap();
    // Room for the schema and a few thousand ballots; the schema alone outgrew 768 KiB.
    let Some(disk) = SmallDisk::mount(&dir.path().join("disk"), "1m") else {
        return;
    };
    let database = disk.path.join("full.db");
    let mut server =
        TestServer::start(&database, TestServer::settings(LegacyApi::Token, None)).await;
    let (base, token) = (server.base.clone(), server.token.clone());
    let vote = start_vote(&base, &token).await;

    // Vote until the disk is full.
    let mut acknowledged = Vec::new();
    let refusal = loop {
        let voter = format!("slack:{:05}{}", acknowledged.len(), "x".repeat(100));
        let answer = cast(&base, &token, &vote, &voter, "5").await;
        if answer.status != StatusCode::OK {
            break answer;
        }
        acknowledged.push(voter);
        assert!(acknowledged.len() < 20_000, "the disk never filled");
    };
    assert_unavailable(&refusal, "disk is full");
    let again = cast(&base, &token, &vote, "slack:late", "5").await;
    assert_unavailable(&again, "disk is full");
    let mut listed = voters(&base, &token, &vote).await;
    listed.sort();
    assert_eq!(
        listed, acknowledged,
        "reads go on, with every acknowledged ballot"
    );

    // Space is freed: writes work again without a restart.
    disk.remount("size=8m");
    assert_eq!(
        cast(&base, &token, &vote, "slack:after", "8").await.status,
        StatusCode::OK
    );

    // The disk turns read-only while the server is down: starting again says so.
    server.stop().await;
    drop(server);
    // The stopped server's database connections close in the background.
    let started = std::time::Instant::now();
    while !disk.try_remount("ro") {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the files stay busy"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let refused = asyncvoter_server::store::open(&format!("sqlite://{}", database.display()))
        .await
        .err()
        .expect("a read-only database is refused at start");
    let message = format!("{refused:#}");
    assert!(
        message.contains("cannot open the SQLite database"),
        "{message}"
    );
    assert!(
        message.contains("the file system is read-only"),
        "{message}"
    );
    disk.remount("rw");

    // Writable again: every acknowledged ballot is still there.
    let server = TestServer::start(&database, TestServer::settings(LegacyApi::Token, None)).await;
    let listed = voters(&server.base, &server.token, &vote).await;
    for voter in acknowledged.iter().chain(&["slack:after".to_owned()]) {
        assert!(listed.contains(voter), "{voter} kept");
    }
    assert!(
        !listed.contains(&"slack:late".to_owned()),
        "the refused ballot was not saved"
    );
}
