//! The server, the browser and the API calls each test needs.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use asyncvoter_server::auth::passwords;
use asyncvoter_server::store::{MemberRecord, Store};
use asyncvoter_server::{LegacyApi, Settings, rules};
use asyncvoter_test_support::TestServer;
use asyncvoter_wire::Role;

/// How long a page may take to show what a test waits for.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// The server with the dashboard, a browser, and a way to seed data.
pub struct World {
    pub server: TestServer,
    /// The first browser; [`World::another_browser`] opens more, each with its own cookies.
    pub browser: Tab,
    api: reqwest::Client,
    driver_url: String,
    _driver: Driver,
    dir: tempfile::TempDir,
    settings: Settings,
}

/// chromedriver and every browser it started, in a process group of their own: dropping
/// it kills the whole group, so a failing test leaves no browser behind.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(pid) = self.0.id() {
            // The group id is chromedriver's pid (see `process_group(0)`).
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .status();
        }
    }
}

/// One browser session.
pub struct Tab {
    pub client: Client,
    base: String,
    console: std::sync::Mutex<Console>,
}

/// What the browser's console said that no test has read yet, and which errors a test
/// expects.
#[derive(Default)]
struct Console {
    unread: Vec<String>,
    expected: Vec<String>,
}

impl std::ops::Deref for Tab {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

/// The workspace's root, whichever of its packages (the dashboard's browser tests, the
/// browser benchmarks) this is compiled into.
pub fn workspace() -> PathBuf {
    let package = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    package
        .ancestors()
        .find(|dir| dir.join("Trunk.toml").is_file())
        .unwrap_or(&package)
        .to_path_buf()
}

/// The trunk release build the server serves; the test command builds it first.
fn dist() -> PathBuf {
    let dist = workspace().join("dist");
    assert!(
        dist.join("index.html").is_file(),
        "no dashboard build in {}: run `trunk build --release` (the test command does)",
        dist.display()
    );
    dist
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver on a free port and waits until it answers. It and its browsers
/// keep their temporary files in `temp`: a browser killed with its group cannot remove
/// the lock folder it made there, and `temp` goes with the test.
async fn chromedriver(temp: &std::path::Path) -> (Driver, String) {
    let path = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = free_port();
    let child = Command::new(&path)
        .arg(format!("--port={port}"))
        .env("TMPDIR", temp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {path} ({e}); the test command installs it"));
    asyncvoter_test_support::listening(port, "chromedriver did not start").await;
    (Driver(child), format!("http://127.0.0.1:{port}"))
}

impl World {
    /// A fresh database, the server on it, and a headless browser.
    pub async fn start() -> World {
        World::start_with(|settings| settings).await
    }

    /// Like [`World::start`], with the server's settings adjusted.
    pub async fn start_with(adjust: impl FnOnce(Settings) -> Settings) -> World {
        let dir = tempfile::tempdir().unwrap();
        let settings = adjust(TestServer::settings(LegacyApi::Token, Some(&dist())));
        let server = TestServer::start(&dir.path().join("e2e.db"), settings.clone()).await;
        let (driver, driver_url) = chromedriver(dir.path()).await;
        let browser = open_browser(&driver_url, &dir.path().join("profile-1"), &server.base).await;
        World {
            server,
            browser,
            api: reqwest::Client::new(),
            driver_url,
            _driver: driver,
            dir,
            settings,
        }
    }

    /// Stops the server, runs `while_down` with its store (as another process writing the
    /// same database would), and starts it again at the same address.
    pub async fn restart_server<F>(
        &mut self,
        while_down: impl FnOnce(std::sync::Arc<dyn Store>) -> F,
    ) where
        F: std::future::Future<Output = ()>,
    {
        self.server.stop().await;
        while_down(self.server.store.clone()).await;
        let database = self.dir.path().join("e2e.db");
        let address = self.server.address;
        self.server = TestServer::start_at(address, &database, self.settings.clone()).await;
    }

    /// Another browser with its own profile: a second person.
    pub async fn another_browser(&self, name: &str) -> Tab {
        open_browser(
            &self.driver_url,
            &self.dir.path().join(format!("profile-{name}")),
            &self.server.base,
        )
        .await
    }

    /// Adds a member straight to the store; returns their password.
    pub async fn add_member(&self, username: &str, display_name: &str, role: Role) -> String {
        let password = format!("{username}-password");
        let record = MemberRecord {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            role,
            password_hash: passwords::hash(password.clone()).await.unwrap(),
            email: None,
            disabled: false,
        };
        self.server
            .store
            .create_member(&record, rules::now())
            .await
            .unwrap();
        password
    }

    /// A second connection to the server's database file, for breaking it on purpose.
    pub async fn database(&self) -> sqlx::SqlitePool {
        let path = self.dir.path().join("e2e.db");
        sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap()
    }

    /// Opens a dashboard path in the first browser.
    pub async fn open(&self, path: &str) {
        self.browser.open(path).await;
    }

    /// The first browser's current path and query.
    pub async fn path(&self) -> String {
        self.browser.path().await
    }

    /// Waits until the first browser's address is `expected`.
    pub async fn wait_for_path(&self, expected: &str) {
        self.browser.wait_for_path(expected).await;
    }

    /// Calls the API as the integration; panics unless it succeeds.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .api
            .request(method, format!("{}{path}", self.server.base))
            .bearer_auth(&self.server.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Starts a vote; returns its id.
    pub async fn create_vote(&self, body: Value) -> String {
        let vote = self
            .call(reqwest::Method::POST, "/api/votes", Some(body))
            .await;
        vote["vote"]["id"].as_str().unwrap().to_owned()
    }

    /// Casts a ballot for an external voter.
    pub async fn cast(&self, id: &str, voter: &str, card: &str) {
        self.call(
            reqwest::Method::PUT,
            &format!("/api/votes/{id}/ballots/{voter}"),
            Some(json!({"card": card})),
        )
        .await;
    }

    /// The text of the first element matching `css` in the first browser, once it exists.
    pub async fn text_of(&self, css: &str) -> String {
        self.browser.text_of(css).await
    }

    /// The texts of every element matching `css` in the first browser right now.
    pub async fn texts_of(&self, css: &str) -> Vec<String> {
        self.browser.texts_of(css).await
    }
}

async fn open_browser(driver_url: &str, profile: &std::path::Path, base: &str) -> Tab {
    let chrome = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let capabilities = json!({
        // Console messages (CSP violations among them) for `Tab::browser_log`.
        "goog:loggingPrefs": {"browser": "ALL"},
        "goog:chromeOptions": {
            "binary": chrome,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(driver_url)
        .await
        .expect("a browser session");
    Tab {
        client,
        base: base.to_owned(),
        console: Default::default(),
    }
}

impl Tab {
    /// Opens a dashboard path, after checking the page left said nothing wrong, and waits
    /// for the dashboard to replace the server's drawing of the first screen, if any (the
    /// tests act on the dashboard's).
    pub async fn open(&self, path: &str) {
        self.fail_on_console_errors().await;
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
        poll_until(
            "the dashboard in place of the server's first screen",
            || async {
                self.client
                    .execute(
                        "return document.querySelector('[data-first-paint]') === null;",
                        vec![],
                    )
                    .await
                    .unwrap()
                    == Value::Bool(true)
            },
        )
        .await;
    }

    /// The current path and query.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The id of the vote whose page the address names, once it names one (a vote just
    /// started is shown before its history entry is written).
    pub async fn vote_id_in_path(&self) -> String {
        let named = |path: &str| {
            let id = path.strip_prefix("/votes/")?;
            (!id.is_empty() && id != "new" && !id.contains('/')).then(|| id.to_owned())
        };
        poll_until("the address to name a vote", || async {
            named(&self.path().await).is_some()
        })
        .await;
        named(&self.path().await).expect("the address names a vote")
    }

    /// Waits until the address is `expected` (the dashboard writes a page's history entry
    /// just after drawing it); says what it was instead if it never is.
    pub async fn wait_for_path(&self, expected: &str) {
        let start = Instant::now();
        let mut every = tokio::time::interval(Duration::from_millis(50));
        loop {
            every.tick().await;
            let path = self.path().await;
            if path == expected {
                return;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "the address is {path}, not {expected}"
            );
        }
    }

    /// The text of the first element matching `css`, once it exists.
    pub async fn text_of(&self, css: &str) -> String {
        let text = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"))
            .text()
            .await
            .unwrap();
        self.fail_on_console_errors().await;
        text
    }

    /// The texts of every element matching `css` right now, read in one go.
    pub async fn texts_of(&self, css: &str) -> Vec<String> {
        let script = "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);";
        let texts = self.client.execute(script, vec![json!(css)]).await.unwrap();
        serde_json::from_value(texts).unwrap()
    }

    /// The string a script returns.
    pub async fn text_from(&self, script: &str) -> String {
        let value = self.client.execute(script, vec![]).await.unwrap();
        value
            .as_str()
            .unwrap_or_else(|| panic!("not a string: {value}"))
            .to_owned()
    }

    /// The whole page's markup, to look for what must not be there.
    pub async fn markup(&self) -> String {
        self.text_from("return document.documentElement.outerHTML;")
            .await
    }

    /// Waits until an element matching `css` has exactly `text`.
    pub async fn wait_for_text(&self, css: &str, text: &str) {
        poll_until(&format!("`{css}` to read {text:?}"), || async move {
            self.texts_of(css).await.iter().any(|t| t.trim() == text)
        })
        .await;
        self.fail_on_console_errors().await;
    }

    /// The browser console's messages since the last call (chromedriver's log endpoint);
    /// errors read here are the caller's to judge.
    pub async fn browser_log(&self) -> Vec<String> {
        let fresh = self.console_entries().await;
        let mut console = self.console.lock().unwrap();
        let mut all = std::mem::take(&mut console.unread);
        all.extend(fresh.into_iter().map(|(_, message)| message));
        all
    }

    /// Runs a DevTools command in this tab (through chromedriver's `goog/cdp/execute`)
    /// and returns its result.
    pub async fn devtools(&self, cmd: &str, params: Value) -> Value {
        self.client
            .issue_cmd(ChromeCommand {
                path: "goog/cdp/execute",
                body: json!({"cmd": cmd, "params": params}),
            })
            .await
            .unwrap_or_else(|e| panic!("DevTools {cmd}: {e}"))
    }

    /// Makes this tab's clock read in `zone` (an IANA name), as a viewer there would see
    /// it (Chrome's `Emulation.setTimezoneOverride`).
    pub async fn emulate_time_zone(&self, zone: &str) {
        self.devtools("Emulation.setTimezoneOverride", json!({"timezoneId": zone}))
            .await;
    }

    /// Makes this tab's pages render for a system in `scheme` (`light` or `dark`), as
    /// `prefers-color-scheme` reads it (Chrome's `Emulation.setEmulatedMedia`).
    pub async fn emulate_color_scheme(&self, scheme: &str) {
        self.devtools(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        )
        .await;
    }

    /// Slows this tab's network as DevTools does: `latency_ms` from each request to its
    /// answer, `down_bits_per_second` shared by all downloads (0: no limit).
    #[allow(dead_code)] // The first-load benchmark's.
    pub async fn emulate_network(&self, latency_ms: u64, down_bits_per_second: u64) {
        self.devtools("Network.enable", json!({})).await;
        let down = if down_bits_per_second == 0 {
            -1.0
        } else {
            down_bits_per_second as f64 / 8.0
        };
        self.devtools(
            "Network.emulateNetworkConditions",
            json!({"offline": false, "latency": latency_ms, "downloadThroughput": down, "uploadThroughput": -1}),
        )
        .await;
    }

    /// Runs axe-core (from npm, `node_modules/axe-core`) on the page as it is now and
    /// fails on any serious or critical violation, naming the rule and the elements.
    pub async fn assert_accessible(&self, what: &str) {
        self.fail_on_console_errors().await;
        let loaded = self
            .client
            .execute("return typeof axe;", vec![])
            .await
            .unwrap();
        if loaded != json!("object") {
            self.client.execute(axe_source(), vec![]).await.unwrap();
        }
        let run = "const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
              .then(r => done(r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} on ${v.nodes.map(n => n.html.slice(0, 160)).join(' | ')}`)))
              .catch(e => done([`axe failed: ${e}`]));";
        let found = self.client.execute_async(run, vec![]).await.unwrap();
        let violations: Vec<String> = serde_json::from_value(found).unwrap();
        assert!(violations.is_empty(), "{what}: axe finds {violations:#?}");
    }

    /// Lets console errors containing `fragment` pass: a test that provokes one on
    /// purpose (a vote that does not exist answers 404, and the browser logs it).
    pub fn expect_console_error(&self, fragment: &str) {
        let mut console = self.console.lock().unwrap();
        console.expected.push(fragment.to_owned());
    }

    /// Fails the test on any console error or uncaught exception the page logged since
    /// the last look, other than those expected; keeps the messages for `browser_log`.
    pub async fn fail_on_console_errors(&self) {
        let fresh = self.console_entries().await;
        let mut console = self.console.lock().unwrap();
        let errors: Vec<&String> = fresh
            .iter()
            .filter(|(level, message)| {
                level == "SEVERE" && !console.expected.iter().any(|e| message.contains(e))
            })
            .map(|(_, message)| message)
            .collect();
        assert!(
            errors.is_empty(),
            "the browser's console shows errors: {errors:#?}"
        );
        console
            .unread
            .extend(fresh.into_iter().map(|(_, message)| message));
    }

    async fn console_entries(&self) -> Vec<(String, String)> {
        let log = ChromeCommand {
            path: "se/log",
            body: json!({"type": "browser"}),
        };
        let entries = self.client.issue_cmd(log).await.unwrap();
        let Some(all) = entries.as_array() else {
            return Vec::new();
        };
        all.iter()
            .map(|e| {
                let text = |key: &str| e[key].as_str().unwrap_or_default().to_owned();
                (text("level"), text("message"))
            })
            .collect()
    }

    /// Types into the field named `name` once it exists, replacing what it held.
    pub async fn fill(&self, name: &str, value: &str) {
        self.fail_on_console_errors().await;
        let field = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&format!("[name=\"{name}\"]")))
            .await
            .unwrap_or_else(|e| panic!("no field `{name}` to fill: {e}"));
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Clicks the first element matching `css`, once it exists, scrolled to the middle of
    /// the window first (the sticky header would take a click at the top edge).
    pub async fn click(&self, css: &str) {
        self.fail_on_console_errors().await;
        let element = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}` to click: {e}"));
        let center = "arguments[0].scrollIntoView({block: 'center', inline: 'center'});";
        self.client
            .execute(center, vec![serde_json::to_value(&element).unwrap()])
            .await
            .unwrap();
        element.click().await.unwrap();
    }

    /// Logs in on the login page with `next` as the place to return to, and waits to be
    /// sent on.
    pub async fn log_in(&self, username: &str, password: &str, next: &str) {
        self.open(&format!("/login?next={}", next.replace('/', "%2F")))
            .await;
        self.log_in_here(username, password).await;
    }

    /// Logs in through the login page the visitor is on, and waits to be sent on.
    pub async fn log_in_here(&self, username: &str, password: &str) {
        // Someone else logged in here first: log them out, as a person would.
        self.text_of("form [name=username], .already-in").await;
        if !self.texts_of(".already-in").await.is_empty() {
            self.click(".already-in button").await;
        }
        self.text_of("form [name=username]").await;
        self.fill("username", username).await;
        self.fill("password", password).await;
        self.click("form button[type=submit]").await;
        poll_until("the login to finish", || async {
            !self.path().await.starts_with("/login")
        })
        .await;
    }

    /// Presses Tab, as a keyboard-only visitor would, until the focus is on the element
    /// matching `css` (and reading `text`, if given); fails if Tab never reaches it or the
    /// focus it lands on is not drawn.
    pub async fn tab_to(&self, css: &str, text: Option<&str>) {
        self.fail_on_console_errors().await;
        let focused = "const e = document.activeElement;
            return !!e && e.matches(arguments[0]) && (arguments[1] === null || e.innerText.trim() === arguments[1]);";
        for _ in 0..80 {
            let there = self
                .client
                .execute(focused, vec![json!(css), json!(text)])
                .await
                .unwrap();
            if there == json!(true) {
                let drawn = "const s = getComputedStyle(document.activeElement);
                    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;";
                let outlined = self.client.execute(drawn, vec![]).await.unwrap();
                assert_eq!(
                    outlined,
                    json!(true),
                    "the focus on `{css}` is not outlined"
                );
                return;
            }
            self.type_here(&char::from(fantoccini::key::Key::Tab).to_string())
                .await;
        }
        panic!("Tab never reaches `{css}` {text:?}");
    }

    /// Types `keys` into whatever has the focus now.
    pub async fn type_here(&self, keys: &str) {
        let focused = self.client.active_element().await.unwrap();
        focused.send_keys(keys).await.unwrap();
    }

    /// Opens another tab of this browser (same cookies) and switches to it; returns the
    /// tab left, to switch back with [`Tab::switch_to`].
    pub async fn open_another_tab(&self) -> fantoccini::wd::WindowHandle {
        let left = self.client.window().await.unwrap();
        let opened = self.client.new_window(true).await.unwrap();
        self.client.switch_to_window(opened.handle).await.unwrap();
        left
    }

    /// Makes `tab` (of this browser) the one commands go to.
    pub async fn switch_to(&self, tab: fantoccini::wd::WindowHandle) {
        self.client.switch_to_window(tab).await.unwrap();
    }

    /// Saves the whole page, `width` pixels wide, as `target/screenshots/{name}-{width}.png`
    /// for a person to look at, after checking nothing sticks out sideways; returns the
    /// file.
    pub async fn screenshot(&self, name: &str, width: u32) -> PathBuf {
        self.client.set_window_size(width, 900).await.unwrap();
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(900);
        // The window's frame takes some of its height; the page gets the rest.
        let height = u32::try_from(height).unwrap_or(900).clamp(600, 6000) + 140;
        self.client.set_window_size(width, height).await.unwrap();
        let wider = self
            .client
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(wider, json!(false), "{name} scrolls sideways at {width} px");
        let png = self.client.screenshot().await.unwrap();
        let dir = workspace().join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("{name}-{width}.png"));
        std::fs::write(&file, png).unwrap();
        self.client.set_window_size(1280, 900).await.unwrap();
        file
    }

    /// Presses keys as a person would on the page itself.
    pub async fn press(&self, keys: &str) {
        self.fail_on_console_errors().await;
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .send_keys(keys)
            .await
            .unwrap();
    }
}

/// axe-core's script, read once.
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let file = workspace().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&file).unwrap_or_else(|e| {
            panic!(
                "no axe-core at {} ({e}): the test command installs it",
                file.display()
            )
        })
    })
}

/// Polls until `check` holds, or fails after [`PATIENCE`] saying `what`.
pub async fn poll_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    let mut every = tokio::time::interval(Duration::from_millis(100));
    loop {
        every.tick().await;
        if check().await {
            return;
        }
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
    }
}

/// A chromedriver command outside the WebDriver standard: `POST /session/{id}/{path}`
/// with a JSON body (`se/log` for the console, `goog/cdp/execute` for DevTools).
#[derive(Debug)]
struct ChromeCommand {
    path: &'static str,
    body: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for ChromeCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}
