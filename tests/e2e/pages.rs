//! What a person sees on each screen, read from the DOM.

use fantoccini::Locator;

use crate::harness::{Tab, World, poll_until};

/// One vote in a list, as shown.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub text: String,
}

/// `/` and `/history`: a list of votes with filters.
pub struct ListPage<'a> {
    pub world: &'a World,
}

impl<'a> ListPage<'a> {
    /// Opens `path` and waits until the list (or its empty state) is rendered.
    pub async fn open(world: &'a World, path: &str) -> ListPage<'a> {
        world.open(path).await;
        let page = ListPage { world };
        page.settled().await;
        page
    }

    /// Waits until the wasm has rendered the list, the empty state or an error.
    pub async fn settled(&self) {
        self.world
            .text_of(".vote-list, .empty, .notice--error")
            .await;
    }

    /// The rows shown now, read in one go so a re-render cannot tear them.
    pub async fn rows(&self) -> Vec<Row> {
        let script = "return [...document.querySelectorAll('.vote-row')]
            .map(r => [r.querySelector('.vote-row__title').innerText, r.innerText]);";
        let rows: Vec<(String, String)> =
            serde_json::from_value(self.world.browser.execute(script, vec![]).await.unwrap())
                .unwrap();
        rows.into_iter()
            .map(|(name, text)| Row {
                name: name.trim_end_matches('↗').trim().to_owned(),
                text,
            })
            .collect()
    }

    /// The names shown now.
    pub async fn names(&self) -> Vec<String> {
        self.rows().await.into_iter().map(|r| r.name).collect()
    }

    /// Waits until exactly these names are listed (in any order).
    pub async fn wait_for_names(&self, expected: &[&str]) {
        let mut expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        expected.sort();
        poll_until(&format!("the list to show {expected:?}"), || {
            let expected = expected.clone();
            async move {
                let mut names = self.names().await;
                names.sort();
                names == expected
            }
        })
        .await;
    }

    /// Picks a project in the filter.
    pub async fn pick_project(&self, project: &str) {
        let select = self
            .world
            .browser
            .find(Locator::Css("select[name=project]"))
            .await
            .unwrap();
        select.select_by_value(project).await.unwrap();
    }

    /// Types into the name search.
    pub async fn search(&self, text: &str) {
        let input = self
            .world
            .browser
            .find(Locator::Css("input[name=q]"))
            .await
            .unwrap();
        input.send_keys(text).await.unwrap();
    }
}

/// `/votes/:id` in one browser.
pub struct VoteView<'a> {
    pub tab: &'a Tab,
}

impl<'a> VoteView<'a> {
    /// Opens a vote's page directly, as a shared link would, and waits for it to render.
    pub async fn open(world: &'a World, id: &str) -> VoteView<'a> {
        world.open(&format!("/votes/{id}")).await;
        world.text_of(".vote, .notice").await;
        VoteView {
            tab: &world.browser,
        }
    }

    /// The story's name.
    pub async fn title(&self) -> String {
        self.tab
            .text_of(".vote__title")
            .await
            .trim_end_matches('↗')
            .trim()
            .to_owned()
    }

    /// `(term, value)` pairs of the facts list.
    pub async fn facts(&self) -> Vec<(String, String)> {
        let terms = self.tab.texts_of(".facts dt").await;
        let values = self.tab.texts_of(".facts dd").await;
        terms
            .into_iter()
            .map(|t| t.to_lowercase())
            .zip(values)
            .collect()
    }

    /// `(voter, card)` rows of the ballot table with this caption, read in one go.
    pub async fn ballots(&self, caption: &str) -> Vec<(String, String)> {
        let script = "return [...document.querySelectorAll('table.ballots')]
            .filter(t => t.querySelector('caption').innerText === arguments[0])
            .flatMap(t => [...t.querySelectorAll('tbody tr')])
            .map(r => [r.querySelector('th').innerText, r.querySelector('.ballots__card').innerText]);";
        let rows = self
            .tab
            .execute(script, vec![serde_json::json!(caption)])
            .await
            .unwrap();
        serde_json::from_value(rows).unwrap()
    }
}

/// One bar of a chart as drawn: its label, its value and its drawn extent.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct DrawnBar {
    pub label: String,
    pub value: u32,
    /// Height of a column, width of a row, in chart units.
    pub extent: u32,
    pub highlighted: bool,
}

/// A chart figure (`<figure class="chart">`) as a reader meets it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Chart {
    /// Its accessible name: the SVG's `<title>`.
    pub title: String,
    pub role: String,
    pub bars: Vec<DrawnBar>,
    /// The data table's body rows, each cell's text.
    pub table: Vec<Vec<String>>,
}

impl Chart {
    /// Reads the chart in the figure `css`, once it is rendered.
    pub async fn read(tab: &Tab, css: &str) -> Chart {
        tab.text_of(&format!("{css} svg")).await;
        let script = "const figure = document.querySelector(arguments[0]);
            const svg = figure.querySelector('svg');
            return {
              title: svg.querySelector('title').textContent,
              role: svg.getAttribute('role'),
              bars: [...svg.querySelectorAll('.chart__bar')].map(g => {
                const rect = g.querySelector('rect');
                const vertical = svg.getAttribute('class').indexOf('rows') < 0;
                return { label: g.dataset.label, value: Number(g.dataset.value),
                  extent: Number(rect.getAttribute(vertical ? 'height' : 'width')),
                  highlighted: g.classList.contains('chart__bar--mode') };
              }),
              table: [...figure.querySelectorAll('.data-table tbody tr')]
                .map(r => [...r.children].map(c => c.textContent.trim())),
            };";
        let chart = tab
            .execute(script, vec![serde_json::json!(css)])
            .await
            .unwrap();
        serde_json::from_value(chart).unwrap()
    }
}
