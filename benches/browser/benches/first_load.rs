//! The first visit users feel: a cold-cache Chromium opening `/` until the first vote's
//! link is on screen, and a vote's page (where Slack, reminders and shared links lead)
//! until its story is, on this machine's loopback and under DevTools' emulation of a 4G
//! link and of Fast 3G with a 4× slower CPU. Beside each emulated figure, its floor: the
//! round trips the page really made one after another × the link's round-trip time, plus
//! the bytes it really transferred ÷ the link's bandwidth. The ratio to the floor says how
//! much of the time is ours rather than the link's. The server draws both pages' first
//! screen into the page itself; a second row per page and link says when the dashboard
//! was running (its own page drawn in place of the server's), which is when a visitor
//! can vote.
//!
//! Run: `cargo bench -p asyncvoter-browser-benches --bench first_load` after `trunk build
//! --release` (`BENCH_RUNS` sets the runs, 5 by default).

#[allow(dead_code)] // Shared with the browser tests; this uses part of it.
#[path = "../../../tests/e2e/harness.rs"]
mod harness;

#[path = "../../../crates/server/benches/common/mod.rs"]
mod common;

#[tokio::main]
async fn main() {
    native::run().await;
}

mod native {
    use serde::Deserialize;
    use serde_json::json;

    use crate::common::{Row, Runs, env_number, report};
    use crate::harness::{Tab, World, poll_until};

    /// Ongoing votes on the server; `/` shows the first 50.
    const VOTES: usize = 100;

    /// A link as DevTools emulates it.
    struct Profile {
        name: &'static str,
        /// Round-trip time added to every request, ms.
        rtt_ms: f64,
        /// Download bandwidth shared by all requests, bits/s (0: unlimited).
        down_bps: f64,
        /// CPU slowdown (1: none).
        cpu: f64,
        /// The goal, ms.
        goal_ms: Option<f64>,
    }

    const PROFILES: [Profile; 3] = [
        Profile {
            name: "local",
            rtt_ms: 0.0,
            down_bps: 0.0,
            cpu: 1.0,
            goal_ms: None,
        },
        Profile {
            name: "4G (170 ms RTT, 9 Mbps)",
            rtt_ms: 170.0,
            down_bps: 9_000_000.0,
            cpu: 1.0,
            goal_ms: Some(600.0),
        },
        Profile {
            name: "Fast 3G (563 ms RTT, 1.44 Mbps) + 4× CPU",
            rtt_ms: 563.0,
            down_bps: 1_440_000.0,
            cpu: 4.0,
            goal_ms: Some(2300.0),
        },
    ];

    /// Records when the page's first content is painted (the frame after it enters the
    /// page: no frame is drawn while the stylesheet blocks rendering): a vote's link on
    /// `/`, the story on a vote's page; and when the dashboard has drawn its own page in
    /// place of the server's first screen. Set before the page's own scripts run.
    const WATCH_FIRST_CONTENT: &str = "
        const vote = location.pathname.startsWith('/votes/');
        const first = vote ? 'article.vote h1.vote__title' : '.vote-list a[href^=\"/votes/\"]';
        const own = vote ? 'main#main article.vote' : 'main#main .vote-list';
        const painted = key => requestAnimationFrame(() => { window[key] = performance.now(); });
        new MutationObserver((_, observer) => {
            if (!window.__seen && document.querySelector(first)) {
                window.__seen = true;
                painted('__firstContent');
            }
            if (document.querySelector(own) && !document.querySelector('[data-first-paint]')) {
                painted('__dashboard');
                observer.disconnect();
            }
        }).observe(document, { subtree: true, childList: true });";

    /// A page measured: where it is, and what its rows call its first content.
    struct Screen {
        path: String,
        first: &'static str,
        running: &'static str,
    }

    /// What one load transferred before its first content showed, as the page saw it.
    const TRANSFERS: &str = "
        const until = window.__firstContent;
        const nav = performance.getEntriesByType('navigation')[0];
        const entries = [nav, ...performance.getEntriesByType('resource')]
            .filter(e => e.responseEnd > 0 && e.responseEnd <= until)
            .map(e => ({ start: e.startTime, first_byte: e.responseStart, end: e.responseEnd,
                         bytes: e.transferSize }));
        return { first_content: until, dashboard: window.__dashboard, entries };";

    #[derive(Deserialize)]
    struct Load {
        first_content: f64,
        /// When the dashboard had drawn the page itself.
        dashboard: f64,
        entries: Vec<Transfer>,
    }

    #[derive(Deserialize)]
    struct Transfer {
        start: f64,
        /// When its first byte came.
        first_byte: f64,
        end: f64,
        bytes: f64,
    }

    impl Load {
        /// Requests made one after another on the way to the last one to finish: each is
        /// one more than the deepest request whose first byte had come before it started
        /// (what a page names is asked for once its first bytes arrive, often while the
        /// rest is still on its way, but never before). A request off that path (the
        /// favicon) costs bytes, not a round trip.
        fn round_trips(&self) -> usize {
            let mut order: Vec<usize> = (0..self.entries.len()).collect();
            order.sort_by(|&a, &b| self.entries[a].start.total_cmp(&self.entries[b].start));
            let mut depth = vec![0usize; self.entries.len()];
            for &i in &order {
                let before = order
                    .iter()
                    .filter(|&&j| j != i && self.entries[j].first_byte <= self.entries[i].start)
                    .map(|&j| depth[j])
                    .max()
                    .unwrap_or(0);
                depth[i] = before + 1;
            }
            let last = (0..self.entries.len())
                .max_by(|&a, &b| self.entries[a].end.total_cmp(&self.entries[b].end));
            last.map_or(0, |i| depth[i])
        }

        fn bytes(&self) -> f64 {
            self.entries.iter().map(|e| e.bytes).sum()
        }
    }

    pub async fn run() {
        let runs = env_number("BENCH_RUNS", 5);
        let world = World::start().await;
        let mut last = String::new();
        for i in 0..VOTES {
            last = world
                .create_vote(json!({
                    "name": format!("Story {i}: a realistic name for a story"),
                    "url": format!("https://tracker.example/STORY-{i}"),
                    "project": format!("project-{}", i % 5),
                    "deck": "fibonacci",
                    "expected_voters": ["slack:T1:U1", "slack:T1:U2", "slack:T1:U3"],
                }))
                .await;
        }
        world.cast(&last, "slack:T1:U1", "8").await;
        let tab = &world.browser;
        tab.devtools("Network.enable", json!({})).await;
        tab.devtools("Network.setCacheDisabled", json!({"cacheDisabled": true}))
            .await;
        tab.devtools(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": WATCH_FIRST_CONTENT}),
        )
        .await;
        let screens = [
            Screen {
                path: "/".into(),
                first: "first vote link visible on `/`",
                running: "dashboard running on `/` (its own list drawn)",
            },
            Screen {
                path: format!("/votes/{last}"),
                first: "story visible on a vote's page",
                running: "dashboard running on a vote's page (its cards live)",
            },
        ];
        let mut rows = Vec::new();
        for screen in &screens {
            for profile in &PROFILES {
                rows.extend(measure(tab, &world, screen, profile, runs).await);
            }
        }
        report(
            &format!(
                "First load in Chromium, cold cache, {VOTES} ongoing votes, median (min–max) of {runs} runs"
            ),
            &rows,
        );
    }

    /// `runs` cold loads of `screen` under `profile`: the row of its first content, with
    /// the floor, and the row of the dashboard running.
    async fn measure(
        tab: &Tab,
        world: &World,
        screen: &Screen,
        profile: &Profile,
        runs: usize,
    ) -> [Row<'static>; 2] {
        let (mut times, mut floors, mut trips, mut bytes, mut dashboard) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let load = load(tab, world, &screen.path, profile).await;
            let floor = load.round_trips() as f64 * profile.rtt_ms
                + if profile.down_bps > 0.0 {
                    load.bytes() * 8.0 / profile.down_bps * 1000.0
                } else {
                    0.0
                };
            times.push(load.first_content);
            dashboard.push(load.dashboard);
            floors.push(floor);
            trips.push(load.round_trips() as f64);
            bytes.push(load.bytes() / 1024.0);
        }
        let (time, floor, trips, bytes, dashboard) = (
            Runs::of(&times),
            Runs::of(&floors),
            Runs::of(&trips),
            Runs::of(&bytes),
            Runs::of(&dashboard),
        );
        let emulated = profile.rtt_ms > 0.0;
        let named = |what: &str| -> &'static str {
            Box::leak(format!("{what}, {}", profile.name).into_boxed_str())
        };
        let first = Row {
            figure: named(screen.first),
            value: time.show(|ms| format!("{ms:.0} ms")),
            baseline: if emulated {
                format!(
                    "floor {:.0} ms ({:.0} round trips, {:.1} KB)",
                    floor.median, trips.median, bytes.median
                )
            } else {
                format!("{:.0} round trips, {:.1} KB", trips.median, bytes.median)
            },
            ratio: if emulated {
                format!("{:.2}x floor", time.median / floor.median)
            } else {
                String::new()
            },
            target: profile
                .goal_ms
                .map_or_else(String::new, |goal| format!("≤ {goal:.0} ms")),
            met: profile.goal_ms.map(|goal| time.median <= goal),
        };
        let running = Row {
            figure: named(screen.running),
            value: dashboard.show(|ms| format!("{ms:.0} ms")),
            baseline: String::new(),
            ratio: String::new(),
            target: String::new(),
            met: None,
        };
        [first, running]
    }

    /// One cold load of `path` under `profile`.
    async fn load(tab: &Tab, world: &World, path: &str, profile: &Profile) -> Load {
        tab.client.goto("about:blank").await.unwrap();
        tab.devtools("Network.clearBrowserCache", json!({})).await;
        tab.emulate_network(profile.rtt_ms as u64, profile.down_bps as u64)
            .await;
        tab.devtools(
            "Emulation.setCPUThrottlingRate",
            json!({"rate": profile.cpu}),
        )
        .await;
        tab.client
            .goto(&format!("{}{path}", world.server.base))
            .await
            .unwrap();
        poll_until("the page's first content and the dashboard", || async {
            tab.client
                .execute(
                    "return typeof window.__firstContent === 'number'
                        && typeof window.__dashboard === 'number';",
                    vec![],
                )
                .await
                .unwrap()
                == json!(true)
        })
        .await;
        let load = tab.client.execute(TRANSFERS, vec![]).await.unwrap();
        tab.emulate_network(0, 0).await;
        tab.devtools("Emulation.setCPUThrottlingRate", json!({"rate": 1}))
            .await;
        serde_json::from_value(load).unwrap()
    }
}
