//! Rendering in headless Chromium, against the real server and the trunk-built dashboard:
//! `/` with 1,000 ongoing votes, 100 single-vote updates arriving live, and clearing the
//! list with a search that matches nothing. The baseline is a plain JavaScript page
//! (`benches/baselines/plain-list/`) doing the same DOM work on the same server in the
//! same run. Each figure is the median of several runs, timed inside the page from the
//! action to the moment the DOM shows its result.
//!
//! Run: `cargo bench -p asyncvoter-browser-benches --bench render` after `trunk build --release`
//! (`BENCH_RUNS` sets the runs, 5 by default). Targets: render and updates within 1.5x of
//! the baseline, clearing within 2x. After the timed runs, one more render and clearing of
//! each page runs under V8's sampling profiler, and rows say where that time went: our
//! Rust (the wasm), JavaScript with the DOM work it calls (for the dashboard, the
//! wasm-bindgen glue through which Rust reaches the DOM), the browser's own style and
//! layout work, and garbage collection. With `BENCH_PROFILE_TOP` set, each profile's 25
//! costliest call stacks (five frames deep) are printed too.

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
    use std::path::Path;

    use serde_json::{Value, json};

    use crate::common::{Row, Runs, env_number, median, report};
    use crate::harness::{World, poll_until};

    const VOTES: usize = 1000;
    const UPDATES: usize = 100;
    /// Rows `/` shows at first: the dashboard pages its lists.
    const SHOWN: usize = 50;

    /// The page under test: how to reach an empty state, show the list, and search.
    struct Page {
        name: &'static str,
        path: &'static str,
        /// JavaScript that leaves the list (the list must be gone afterwards).
        leave: &'static str,
        /// A JavaScript expression, true once the page left to has finished arriving, so
        /// that its work is not timed as part of the render that follows.
        left: &'static str,
        /// JavaScript that shows the ongoing list.
        show: &'static str,
    }

    const DASHBOARD: Page = Page {
        name: "dashboard",
        path: "/history",
        leave: "document.querySelector('a[href=\"/history\"]').click();",
        // `/history` drew its own (empty) list, and wrote its history entry.
        left: "document.querySelector('.empty') !== null && location.pathname === '/history'",
        show: "document.querySelector('nav a[href=\"/\"]').click();",
    };

    const PLAIN: Page = Page {
        name: "plain JavaScript",
        path: "/plain-list.html",
        leave: "showNothing();",
        left: "true",
        show: "showOngoing('');",
    };

    /// Milliseconds of each run of one page's render, updates and clearing, and when the
    /// render's list was asked for and its answer had arrived; where a profiled render and clearing spent theirs.
    struct Timings {
        render: Vec<f64>,
        asked: Vec<f64>,
        fetched: Vec<f64>,
        updates: Vec<f64>,
        clear: Vec<f64>,
        render_profile: Profile,
        clear_profile: Profile,
    }

    /// Milliseconds of a profiled action by where they went.
    #[derive(Default)]
    struct Profile {
        /// Compiled Rust: functions in the wasm.
        wasm: f64,
        /// The page's JavaScript and the browser functions the page called (DOM calls,
        /// decoding strings from the wasm); the dashboard's JavaScript is the
        /// wasm-bindgen glue through which Rust reaches the DOM.
        script: f64,
        /// The benchmark's own JavaScript: its timer's checks.
        timer: f64,
        /// The browser's own work between scripts: style, layout, parsing (`(program)`).
        browser: f64,
        /// Garbage collection.
        gc: f64,
    }

    impl Profile {
        fn show(&self, wasm: bool) -> String {
            let wasm = if wasm {
                format!("Rust {:.1} ms / ", self.wasm)
            } else {
                String::new()
            };
            format!(
                "{wasm}JS + DOM {:.1} ms / browser {:.1} ms / GC {:.1} ms / timer {:.1} ms",
                self.script, self.browser, self.gc, self.timer
            )
        }
    }

    pub async fn run() {
        let runs = env_number("BENCH_RUNS", 5);
        let site = tempfile::tempdir().unwrap();
        site_with_baseline(site.path());
        let ui = site.path().to_owned();
        let world = World::start_with(move |mut settings| {
            settings.ui_dir = Some(ui);
            settings
        })
        .await;
        for i in 0..VOTES {
            world
                .create_vote(json!({
                    "name": format!("Story {i}: a realistic name for a story"),
                    "url": format!("https://tracker.example/STORY-{i}"),
                    "project": format!("project-{}", i % 5),
                    "deck": "fibonacci",
                }))
                .await;
        }

        let dashboard = measure(&world, &DASHBOARD, runs, 0).await;
        let plain = measure(&world, &PLAIN, runs, runs).await;
        let row = |figure: &'static str, ours: &[f64], theirs: &[f64], target: f64| {
            let ratios: Vec<f64> = ours.iter().zip(theirs).map(|(o, t)| o / t).collect();
            let ratio = Runs::of(&ratios);
            Row {
                figure,
                value: Runs::of(ours).show(|ms| format!("{ms:.0} ms")),
                baseline: format!(
                    "plain JavaScript {}",
                    Runs::of(theirs).show(|ms| format!("{ms:.0} ms"))
                ),
                ratio: ratio.show(|r| format!("{r:.2}x")),
                target: format!("within {target}x"),
                met: Some(ratio.median <= target),
            }
        };
        // Where the render's time goes: until the list is asked for (leaving the page before
        // and starting the new one), until its answer has arrived (the server, the browser
        // reading it), and after (decoding it and drawing the rows).
        let after = |t: &Timings| -> Vec<f64> {
            t.render
                .iter()
                .zip(&t.fetched)
                .map(|(r, f)| r - f)
                .collect()
        };
        let split = Row {
            figure: "render `/`: list asked / answer arrived / after it (decode + rows)",
            value: format!(
                "{:.1} ms / {:.0} ms / {:.0} ms",
                median(&dashboard.asked),
                median(&dashboard.fetched),
                median(&after(&dashboard))
            ),
            baseline: format!(
                "plain JavaScript {:.1} ms / {:.0} ms / {:.0} ms",
                median(&plain.asked),
                median(&plain.fetched),
                median(&after(&plain))
            ),
            ratio: String::new(),
            target: String::new(),
            met: None,
        };
        let profile = |figure: &'static str, ours: &Profile, theirs: &Profile| Row {
            figure,
            value: ours.show(true),
            baseline: format!("plain JavaScript {}", theirs.show(false)),
            ratio: String::new(),
            target: String::new(),
            met: None,
        };
        report(
            &format!(
                "Rendering in headless Chromium, {VOTES} ongoing votes ({SHOWN} shown), median (min–max) of {runs} runs"
            ),
            &[
                row(
                    "render `/` (fetch + first page of rows)",
                    &dashboard.render,
                    &plain.render,
                    1.5,
                ),
                split,
                row(
                    "apply 100 live single-vote updates",
                    &dashboard.updates,
                    &plain.updates,
                    1.5,
                ),
                row(
                    "clear the list (search matching nothing)",
                    &dashboard.clear,
                    &plain.clear,
                    2.0,
                ),
                profile(
                    "profile of one render `/`",
                    &dashboard.render_profile,
                    &plain.render_profile,
                ),
                profile(
                    "profile of one clearing",
                    &dashboard.clear_profile,
                    &plain.clear_profile,
                ),
            ],
        );
    }

    /// The dashboard's files plus the plain page, which links the dashboard's stylesheet.
    fn site_with_baseline(site: &Path) {
        let dist = crate::harness::workspace().join("dist");
        let baseline = crate::harness::workspace().join("benches/baselines/plain-list");
        let mut css = None;
        for entry in std::fs::read_dir(&dist).expect("dist/: run `trunk build --release` first") {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".css") {
                css = Some(name.clone());
            }
            std::fs::copy(entry.path(), site.join(&name)).unwrap();
        }
        let html = std::fs::read_to_string(baseline.join("plain-list.html"))
            .unwrap()
            .replace("{{CSS}}", &css.expect("the dashboard's stylesheet"));
        std::fs::write(site.join("plain-list.html"), html).unwrap();
        std::fs::copy(baseline.join("plain-list.js"), site.join("plain-list.js")).unwrap();
    }

    async fn measure(world: &World, page: &Page, runs: usize, first_run: usize) -> Timings {
        let tab = &world.browser;
        tab.open(page.path).await;
        poll_until(
            &format!("the {} page's event stream", page.name),
            || async {
                eval(
                    world,
                    "return document.documentElement.dataset.live === 'online';",
                )
                .await
                    == json!(true)
            },
        )
        .await;
        let (mut render, mut asked, mut fetched) = (vec![], vec![], vec![]);
        let (mut updates, mut clear) = (vec![], vec![]);
        for run in first_run..first_run + runs {
            leave(world, page).await;
            render.push(timed(world, &format!("rows() === {SHOWN}"), page.show).await);
            let (ask, arrived) = list_request(world).await;
            asked.push(ask);
            fetched.push(arrived);

            let shown: Vec<String> = serde_json::from_value(
                eval(world, "return [...document.querySelectorAll('.vote-list > li')].map(li => li.dataset.voteId);").await,
            )
            .unwrap();
            let before = eval(world, &format!("{HELPERS} return tallies();")).await;
            let expected = before.as_u64().unwrap() as usize + UPDATES;
            start_timer(world, &format!("tallies() === {expected}"), "").await;
            for k in 0..UPDATES {
                world
                    .cast(&shown[k % shown.len()], &format!("bench:r{run}v{k}"), "5")
                    .await;
            }
            updates.push(finish_timer(world).await);

            clear.push(
                timed(
                    world,
                    "rows() === 0 && document.querySelector('.empty') !== null",
                    CLEAR,
                )
                .await,
            );
        }
        // One more render and clearing, profiled: the profiler's cost stays out of the
        // timed runs.
        leave(world, page).await;
        let render_profile = profiled(world, &format!("rows() === {SHOWN}"), page.show).await;
        let clear_profile = profiled(
            world,
            "rows() === 0 && document.querySelector('.empty') !== null",
            CLEAR,
        )
        .await;
        Timings {
            render,
            asked,
            fetched,
            updates,
            clear,
            render_profile,
            clear_profile,
        }
    }

    /// Leaves the list for a page without it.
    async fn leave(world: &World, page: &Page) {
        eval(world, page.leave).await;
        let left = format!(
            "return document.querySelectorAll('.vote-list > li').length === 0 && ({});",
            page.left
        );
        poll_until("the list to go", || async {
            eval(world, &left).await == json!(true)
        })
        .await;
    }

    /// Searching for a name no vote has.
    const CLEAR: &str = "const q = document.querySelector('input[name=q]'); q.value = 'no vote has this name'; q.dispatchEvent(new Event('input', { bubbles: true }));";

    /// Marks where a profiled window begins and ends: functions that keep the CPU busy
    /// for 5 ms, so the profiler samples them (every 100 µs asked, every 200–400 µs seen
    /// on a busy machine; 2 ms once went unsampled) and names them.
    const MARKS: &str = "
        const busy = () => { const t = performance.now(); while (performance.now() - t < 5) {} };
        (function __profileFrom() { busy(); })();
        window.__profileTo = function __profileTo() { busy(); return true; };";

    /// Runs `action` until `condition` holds under V8's sampling profiler (every 100 µs),
    /// and sums the time of the samples between the two marks by where it went.
    async fn profiled(world: &World, condition: &str, action: &str) -> Profile {
        let tab = &world.browser;
        tab.devtools("Profiler.enable", json!({})).await;
        tab.devtools("Profiler.setSamplingInterval", json!({"interval": 100}))
            .await;
        tab.devtools("Profiler.start", json!({})).await;
        // A round trip to the page, so the sampler runs before the action does.
        eval(world, "return 0;").await;
        timed(
            world,
            &format!("({condition}) && window.__profileTo()"),
            &format!("{MARKS} {action}"),
        )
        .await;
        let stopped = tab.devtools("Profiler.stop", json!({})).await;
        tab.devtools("Profiler.disable", json!({})).await;
        sum_between_marks(&stopped["profile"])
    }

    /// The samples of a V8 CPU profile after `__profileFrom` and before `__profileTo`,
    /// summed by where they were.
    fn sum_between_marks(profile: &Value) -> Profile {
        let nodes: std::collections::HashMap<u64, &Value> = profile["nodes"]
            .as_array()
            .expect("profile nodes")
            .iter()
            .map(|node| (node["id"].as_u64().unwrap(), node))
            .collect();
        let mut parents = std::collections::HashMap::new();
        for node in nodes.values() {
            for child in node["children"].as_array().into_iter().flatten() {
                parents.insert(child.as_u64().unwrap(), node["id"].as_u64().unwrap());
            }
        }
        let within = |mut id: u64, mark: &str| loop {
            if nodes[&id]["callFrame"]["functionName"] == mark {
                return true;
            }
            match parents.get(&id) {
                Some(&parent) => id = parent,
                None => return false,
            }
        };
        let samples: Vec<u64> = profile["samples"]
            .as_array()
            .expect("samples")
            .iter()
            .map(|s| s.as_u64().unwrap())
            .collect();
        let deltas: Vec<f64> = profile["timeDeltas"]
            .as_array()
            .expect("time deltas")
            .iter()
            .map(|d| d.as_f64().unwrap() / 1000.0)
            .collect();
        // Whose a sample is. The browser's own functions (a DOM call, `TextDecoder.decode`,
        // the step from wasm to JavaScript) have no file: they count as the page's DOM
        // work when the page called them, the timer's when its script (which WebDriver
        // ran, so it has no file either) did.
        enum From {
            Wasm,
            Page,
            WebDriver,
        }
        let where_from = |id: u64| {
            let is_wasm = |frame: &Value| {
                let url = frame["url"].as_str().unwrap_or_default();
                url.ends_with(".wasm")
                    || url.starts_with("wasm://")
                    || frame["functionName"]
                        .as_str()
                        .is_some_and(|f| f.starts_with('$'))
            };
            let own = &nodes[&id]["callFrame"];
            if is_wasm(own) {
                return From::Wasm;
            }
            let mut at = Some(id);
            while let Some(node) = at {
                let frame = &nodes[&node]["callFrame"];
                if is_wasm(frame) || !frame["url"].as_str().unwrap_or_default().is_empty() {
                    return From::Page;
                }
                at = parents.get(&node).copied();
            }
            From::WebDriver
        };
        let from = samples
            .iter()
            .rposition(|&s| within(s, "__profileFrom"))
            .expect("the profile holds the start mark");
        let to = samples
            .iter()
            .position(|&s| within(s, "__profileTo"))
            .expect("the profile holds the end mark");
        let mut spent = Profile::default();
        let name = |id: u64| {
            nodes[&id]["callFrame"]["functionName"]
                .as_str()
                .unwrap_or_default()
        };
        // Call stacks five frames deep, by the time spent in them, when asked for.
        let mut stacks = std::env::var_os("BENCH_PROFILE_TOP")
            .is_some()
            .then(std::collections::HashMap::<String, f64>::new);
        // A sample's time is the gap to the next one.
        for i in from + 1..to {
            let ms = deltas[i + 1];
            let function = name(samples[i]);
            if let Some(stacks) = &mut stacks {
                let mut stack = function.to_owned();
                let mut at = parents.get(&samples[i]).copied();
                for _ in 0..5 {
                    let Some(node) = at else { break };
                    stack.push_str(" < ");
                    stack.push_str(name(node));
                    at = parents.get(&node).copied();
                }
                *stacks.entry(stack).or_default() += ms;
            }
            match function {
                "(idle)" | "(root)" => {}
                "(program)" => spent.browser += ms,
                "(garbage collector)" => spent.gc += ms,
                _ => match where_from(samples[i]) {
                    From::Wasm => spent.wasm += ms,
                    From::Page => spent.script += ms,
                    From::WebDriver => spent.timer += ms,
                },
            }
        }
        if let Some(stacks) = stacks {
            let mut top: Vec<_> = stacks.into_iter().collect();
            top.sort_by(|a, b| b.1.total_cmp(&a.1));
            for (function, ms) in top.iter().take(25) {
                eprintln!("{ms:6.2} ms  {function}");
            }
            eprintln!();
        }
        spent
    }

    /// Page helpers: rows shown, and the sum of their tallies.
    const HELPERS: &str = "
        // Checked on every DOM change: as cheap as can be, so the timer weighs little on a
        // page that changes the DOM in many small steps.
        const rows = () => document.querySelector('.vote-list')?.childElementCount ?? 0;
        const tallies = () => [...document.querySelectorAll('.vote-list .tally__count')]
            .reduce((sum, el) => sum + (parseInt(el.textContent, 10) || 0), 0);";

    /// Milliseconds from running `action` to `condition` holding in the page.
    async fn timed(world: &World, condition: &str, action: &str) -> f64 {
        start_timer(world, condition, action).await;
        finish_timer(world).await
    }

    /// Starts timing in the page, runs `action`, and resolves `window.__bench` with the
    /// milliseconds until `condition` holds, checked on every DOM change.
    async fn start_timer(world: &World, condition: &str, action: &str) {
        let script = format!(
            "{HELPERS}
            const started = performance.now();
            window.__benchStarted = started;
            performance.clearResourceTimings();
            window.__bench = new Promise(resolve => {{
                const check = () => {{
                    if ({condition}) {{ observer.disconnect(); resolve(performance.now() - started); }}
                }};
                const observer = new MutationObserver(check);
                observer.observe(document.body, {{ subtree: true, childList: true, characterData: true }});
            }});
            {action}
            return null;"
        );
        eval(world, &script).await;
    }

    /// When, after the last timer started, the last list request began and its answer had
    /// arrived, ms.
    async fn list_request(world: &World) -> (f64, f64) {
        let script = "const lists = performance.getEntriesByType('resource')
                .filter(e => e.name.includes('/api/votes?'));
            const list = lists[lists.length - 1];
            return [list.startTime - window.__benchStarted, list.responseEnd - window.__benchStarted];";
        serde_json::from_value(eval(world, script).await).expect("a list request")
    }

    async fn finish_timer(world: &World) -> f64 {
        let ms = world
            .browser
            .execute_async(
                "const done = arguments[arguments.length - 1]; window.__bench.then(done);",
                vec![],
            )
            .await
            .expect("the page reached the state it was timed to");
        ms.as_f64().unwrap()
    }

    async fn eval(world: &World, script: &str) -> Value {
        world
            .browser
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }
}
