//! Backups that restore: 64 voters keep casting while `asyncvoter backup` copies the live
//! database; `restore` refuses the database a running server holds, and the restored copy
//! opens, migrates and holds every ballot acknowledged before the backup began.

use std::collections::HashSet;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use asyncvoter_server::store;
use asyncvoter_test_support::{ServerProcess, create_token};
use reqwest::StatusCode;

use crate::{cast, start_vote};

const BINARY: &str = env!("CARGO_BIN_EXE_asyncvoter");
const VOTERS: usize = 64;
const VOTES: usize = 30;

/// `asyncvoter backup --to FILE` or `restore --from FILE` on `database`.
async fn run(command: &str, file: &Path, database: &str) -> Output {
    let flag = if command == "backup" {
        "--to"
    } else {
        "--from"
    };
    tokio::process::Command::new(BINARY)
        .args([
            command,
            flag,
            file.to_str().unwrap(),
            "--database-url",
            database,
        ])
        .output()
        .await
        .expect("the binary runs")
}

/// What the command said on stderr, checking it succeeded.
fn succeeded(output: &Output) -> String {
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{said}");
    said
}

/// Ballots acknowledged by the server: vote, voter, and when the answer came.
type Acknowledged = Arc<Mutex<Vec<(String, String, Instant)>>>;

/// Starts 64 voters who each cast once on every vote, in an order of their own.
fn cast_everywhere(
    base: &str,
    token: &str,
    votes: &[String],
) -> (Vec<tokio::task::JoinHandle<()>>, Acknowledged) {
    let acknowledged: Acknowledged = Arc::default();
    let voters = (0..VOTERS)
        .map(|n| {
            let (base, token, votes) = (base.to_owned(), token.to_owned(), votes.to_vec());
            let acknowledged = acknowledged.clone();
            tokio::spawn(async move {
                let voter = format!("slack:T1:U{n}");
                for k in 0..votes.len() {
                    let vote = &votes[(k + n) % votes.len()];
                    let answer = cast(&base, &token, vote, &voter, "5").await;
                    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
                    let at = Instant::now();
                    acknowledged
                        .lock()
                        .unwrap()
                        .push((vote.clone(), voter.clone(), at));
                }
            })
        })
        .collect();
    (voters, acknowledged)
}

#[tokio::test]
async fn a_backup_taken_under_64_voters_restores_every_acknowledged_ballot() {
    let dir = tempfile::tempdir().unwrap();
    let live = format!("sqlite://{}", dir.path().join("live.db").display());
    let server = ServerProcess::start(BINARY, &live).await;
    let token = create_token(BINARY, &live, "backup-test").await;
    let mut votes = Vec::new();
    for _ in 0..VOTES {
        votes.push(start_vote(&server.base, &token).await);
    }

    let (voters, acknowledged) = cast_everywhere(&server.base, &token, &votes);
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().unwrap().len() < VOTERS * VOTES / 4 {
        assert!(Instant::now() < deadline, "the voters are casting");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let backup = dir.path().join("backup.db");
    let began = Instant::now();
    succeeded(&run("backup", &backup, &live).await);
    let during = acknowledged.lock().unwrap().len();
    for voter in voters {
        voter.await.unwrap();
    }
    assert!(
        during < VOTERS * VOTES,
        "ballots were still being cast while the backup ran ({during} of {})",
        VOTERS * VOTES
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "it holds password hashes");
    }
    let again = run("backup", &backup, &live).await;
    assert!(!again.status.success(), "never overwrites");

    // The running server's database is not restored over.
    let refused = run("restore", &backup, &live).await;
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("a running server holds"), "{said}");

    let restored_url = format!("sqlite://{}", dir.path().join("restored.db").display());
    succeeded(&run("restore", &backup, &restored_url).await);
    let store = store::open(&restored_url).await.unwrap();
    let mut kept = HashSet::new();
    for vote in &votes {
        for ballot in store.vote(vote).await.unwrap().ballots {
            kept.insert((vote.clone(), ballot.voter));
        }
    }
    let before: Vec<(String, String)> = acknowledged
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, _, at)| *at < began)
        .map(|(vote, voter, _)| (vote.clone(), voter.clone()))
        .collect();
    assert!(before.len() >= VOTERS * VOTES / 4);
    let lost: Vec<_> = before.iter().filter(|b| !kept.contains(*b)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged ballots lost: {lost:?}",
        lost.len()
    );

    // Once the server stops, the live database can be put back from the backup too.
    drop(server);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let back = run("restore", &backup, &live).await;
        if back.status.success() {
            let said = String::from_utf8_lossy(&back.stderr);
            assert!(said.contains("is kept at"), "{said}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{}",
            String::from_utf8_lossy(&back.stderr)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
