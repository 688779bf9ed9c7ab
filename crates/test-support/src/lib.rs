//! What AsyncVoter's tests and benchmarks share, kept out of the product: a real server on
//! a free port (the same `serve` as the binary, with an integration token ready), the
//! binary as a process of its own, a fresh PostgreSQL database per test, and a reader of
//! Server-Sent Events.

mod oidc;
mod proxy;
mod receiver;
mod slack;
mod smtp;

pub use oidc::{Mischief, OidcStandIn};
pub use proxy::{Proxy, deploy_file};
pub use receiver::{Received, Receiver};
pub use slack::{SlackCall, SlackStandIn, slack_headers};
pub use smtp::{Mail, SmtpServer};

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use asyncvoter_server::domain::notices::Retries;
use asyncvoter_server::notify::NotifySettings;
use asyncvoter_server::store::{self, Store};
use asyncvoter_server::{AppState, LegacyApi, Settings, auth, rules, serve};
use asyncvoter_wire::Scope;

/// A running server; it stops when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Where it listens.
    pub address: std::net::SocketAddr,
    /// The one-time first-admin link (`/setup?token=…`) it opened, when nobody was a
    /// member at its start.
    pub setup_path: Option<String>,
    /// A valid integration token with every scope.
    pub token: String,
    /// The server's store, for looking behind the API.
    pub store: Arc<dyn Store>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestServer {
    /// Starts a server on 127.0.0.1:0 with a SQLite database at `db_path` (created if
    /// missing). The deadline task checks every 100 ms unless `settings` say otherwise.
    pub async fn start(db_path: &Path, settings: Settings) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        TestServer::start_on(listener, db_path, settings).await
    }

    /// Starts a server at `address` again, after [`TestServer::stop`]: a restart that
    /// browsers on the old address reconnect to.
    pub async fn start_at(
        address: std::net::SocketAddr,
        db_path: &Path,
        settings: Settings,
    ) -> TestServer {
        let listener = TcpListener::bind(address)
            .await
            .expect("the address is free again");
        TestServer::start_on(listener, db_path, settings).await
    }

    async fn start_on(listener: TcpListener, db_path: &Path, settings: Settings) -> TestServer {
        let address = listener.local_addr().expect("a bound address");
        let mut settings = settings;
        if settings.oidc.is_some() && settings.public_url.is_none() {
            // The provider sends people back under the public URL.
            settings.public_url = Some(format!("http://{address}"));
        }
        settings
            .check()
            .expect("the test's settings are consistent");
        let store = store::open(&format!("sqlite://{}", db_path.display()))
            .await
            .expect("the test database opens");
        let token = auth::new_token();
        store
            .create_integration(
                &format!("test-{}", hex::encode(rand::random::<[u8; 4]>())),
                &auth::hash_token(&token),
                &Scope::ALL,
                auth::MAX_TOKENS,
                rules::now(),
            )
            .await
            .expect("the test token is stored");
        if settings.notify.link_base == NotifySettings::default().link_base {
            settings.notify.link_base = format!("http://{address}");
        }
        let state = AppState::new(store.clone(), settings)
            .await
            .expect("the event hub starts");
        let setup_path = state
            .open_setup_if_empty()
            .await
            .expect("the members are readable");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, state, async {
            let _ = stopped.await;
        }));
        TestServer {
            base: format!("http://{address}"),
            address,
            setup_path,
            token,
            store,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Shuts the server down gracefully and waits until it has stopped listening; its
    /// store stays usable.
    pub async fn stop(&mut self) {
        drop(self.stop.take());
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Settings for tests: a fast deadline check, a notification worker that looks every
    /// 50 ms and retries after 100 ms and may send to the tests' receivers on loopback, the
    /// given 2016 API mode and dashboard.
    pub fn settings(legacy_api: LegacyApi, ui_dir: Option<&Path>) -> Settings {
        Settings {
            legacy_api,
            deadline_check: Duration::from_millis(100),
            ui_dir: ui_dir.map(Path::to_path_buf),
            notify: NotifySettings {
                poll: Duration::from_millis(50),
                retries: Retries {
                    first: chrono::Duration::milliseconds(100),
                    ..Retries::default()
                },
                allow_private_webhooks: true,
                ..NotifySettings::default()
            },
            ..Settings::default()
        }
    }
}

/// The `asyncvoter` binary as a process of its own, for tests and benchmarks of signals,
/// memory and several instances. Killed when dropped.
pub struct ServerProcess {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The process.
    pub child: tokio::process::Child,
}

impl ServerProcess {
    /// Runs `binary serve` on a port the system picks, with `database_url`, and waits (up
    /// to 20 s) until it says where it listens; it binds only once its database is open and
    /// migrated. The port comes from the server itself: a port picked here and bound there
    /// could be taken by another process in between.
    pub async fn start(binary: &str, database_url: &str) -> ServerProcess {
        ServerProcess::start_with(binary, database_url, &[], None).await
    }

    /// Like [`ServerProcess::start`], with more arguments to `serve` and, when given, an
    /// open-files limit (soft and hard, as `ulimit -n` sets it) on the process.
    pub async fn start_with(
        binary: &str,
        database_url: &str,
        args: &[&str],
        open_files: Option<u32>,
    ) -> ServerProcess {
        use tokio::io::AsyncBufReadExt;
        let limit = open_files.map_or_else(String::new, |n| format!("ulimit -n {n} && "));
        let mut child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{limit}exec \"$0\" \"$@\""))
            .arg(binary)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(["--database-url", database_url])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("its stdout")).lines();
        let said = async {
            while let Some(line) = lines.next_line().await.ok().flatten() {
                if let Some(base) = line
                    .strip_prefix("AsyncVoter is running at ")
                    .map(|url| url.trim_end_matches('/').to_owned())
                {
                    return Some(base);
                }
            }
            None
        };
        let base = tokio::time::timeout(Duration::from_secs(20), said)
            .await
            .ok()
            .flatten()
            .expect("the server did not start");
        // The rest of what it says, read so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        ServerProcess { base, child }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("a running process")
    }

    /// Its resident memory now and at its peak, in bytes (`VmRSS`, `VmHWM`).
    pub fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the process's status");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
                .map_or(0, |kb| kb * 1024)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

/// Makes the database at `url` with its schema, as `asyncvoter serve` does on first start.
async fn made_as_serve_would(url: &str) {
    asyncvoter_server::store::open(url)
        .await
        .unwrap_or_else(|e| panic!("cannot make the database {url}: {e:#}"));
}

/// Runs `binary member add NAME [--admin]` on `database_url` with `password` on its stdin.
/// The database is made first if missing, as `serve` would (the command refuses to).
pub async fn add_member(binary: &str, database_url: &str, name: &str, password: &str, admin: bool) {
    use tokio::io::AsyncWriteExt;
    made_as_serve_would(database_url).await;
    let mut child = tokio::process::Command::new(binary)
        .args(["member", "add", name, "--database-url", database_url])
        .args(admin.then_some("--admin"))
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("a stdin");
    stdin
        .write_all(format!("{password}\n").as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    assert!(
        output.status.success(),
        "member add: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `binary token create NAME` on `database_url` with every scope; the token it
/// prints. The database is made first if missing, as `serve` would.
pub async fn create_token(binary: &str, database_url: &str, name: &str) -> String {
    made_as_serve_would(database_url).await;
    let output = tokio::process::Command::new(binary)
        .args(["token", "create", name, "--database-url", database_url])
        .args(["--scope", "votes:write,votes:manage,legacy"])
        .output()
        .await
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "token create: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// One event read from a `text/event-stream`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `id:` field.
    pub id: Option<String>,
    /// The `event:` field (`message` when absent).
    pub event: String,
    /// The `data:` lines, joined by newlines.
    pub data: String,
}

/// Splits a `text/event-stream` into events as its bytes arrive; comments are dropped.
#[derive(Debug, Default)]
pub struct SseParser {
    pending: String,
}

impl SseParser {
    /// Adds received bytes; returns the events they complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.pending
            .push_str(&String::from_utf8_lossy(bytes).replace("\r\n", "\n"));
        let mut events = Vec::new();
        while let Some(end) = self.pending.find("\n\n") {
            let block: String = self.pending.drain(..end + 2).collect();
            if let Some(event) = parse_block(&block) {
                events.push(event);
            }
        }
        events
    }
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let mut event = SseEvent {
        event: "message".into(),
        ..SseEvent::default()
    };
    let mut data: Vec<&str> = Vec::new();
    for line in block.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => event.id = Some(value.to_owned()),
            "event" => event.event = value.to_owned(),
            "data" => data.push(value),
            _ => {}
        }
    }
    if data.is_empty() {
        return None;
    }
    event.data = data.join("\n");
    Some(event)
}

/// The variable naming a PostgreSQL server tests may create databases on, e.g.
/// `postgres://asyncvoter:asyncvoter@127.0.0.1:5432/asyncvoter`; the test command sets it.
pub const POSTGRES_ENV: &str = "ASYNCVOTER_TEST_POSTGRES";

/// A database created for one test on the configured server.
pub struct FreshPostgres {
    admin_url: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl FreshPostgres {
    /// Creates an empty database.
    pub async fn create(admin_url: &str) -> FreshPostgres {
        use sqlx::Connection;
        let name = format!("av_test_{}", hex::encode(rand::random::<[u8; 6]>()));
        let mut admin = sqlx::PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV} does not answer: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let mut url = url::Url::parse(admin_url).unwrap();
        url.set_path(&name);
        FreshPostgres {
            admin_url: admin_url.to_owned(),
            name,
            url: url.to_string(),
        }
    }

    /// Drops the database now, closing whatever still uses it.
    pub async fn drop_it(self) {
        drop(self);
    }
}

impl Drop for FreshPostgres {
    /// Drops the database even when the test failed; on a thread of its own, since this
    /// may run inside (or outside) an async runtime.
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropping = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(&sql).execute(&mut admin).await;
                }
            });
        });
        let _ = dropping.join();
    }
}

/// A port of 127.0.0.1 that nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Waits (up to 20 s) until something listens on `port` of this machine; fails saying
/// `otherwise`.
pub async fn listening(port: u16, otherwise: &str) {
    let started = std::time::Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(started.elapsed() < Duration::from_secs(20), "{otherwise}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
