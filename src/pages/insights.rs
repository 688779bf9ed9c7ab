use asyncvoter_wire::{DeckSizes, Overview, ProjectVotes, RevealTimes, VoterBallots};
use chrono::Duration;
use leptos::prelude::*;

use crate::api;
use crate::components::chart::{Bar, ColumnChart, Headers, RowChart};
use crate::components::{LoginPrompt, deck_label, loaded};
use crate::fetch::Fetch;
use crate::numbers::percent;
use crate::time;

/// `/insights`: charts across votes, from `GET /api/stats/overview`.
#[component]
pub fn InsightsPage() -> impl IntoView {
    let overview = Fetch::new(api::overview);
    let retry = Callback::new(move |_| overview.refetch());
    view! {
        <div class="page-head">
            <h1>"Insights"</h1>
            <p class="lede">"Where votes stand, how they were sized, and how the team voted lately."</p>
        </div>
        {loaded(overview, "Loading the numbers…", retry, move |result| {
                    match result {
                        Ok(overview) => Ok(view! { <OverviewView overview /> }.into_any()),
                        Err(error) if error.is_unauthorized() => Ok(view! {
                            <LoginPrompt purpose="to see this server's numbers: they are for members only." />
                        }.into_any()),
                        Err(error) => Err(error),
                    }
        })}
    }
}

/// Every chart of the overview.
#[component]
fn OverviewView(overview: Overview) -> impl IntoView {
    let days = overview.window_days;
    view! {
        <div class="insights">
            <Projects projects=overview.projects />
            <FinalSizes decks=overview.final_sizes />
            <Voters voters=overview.ballots_by_voter total=overview.voters days />
            <RevealSpeed times=overview.reveal_times days />
        </div>
    }
}

/// One titled panel of the page; `empty` stands in when there is nothing to chart.
#[component]
fn Section(
    id: &'static str,
    title: String,
    empty: &'static str,
    has_data: bool,
    children: Children,
) -> impl IntoView {
    let heading = format!("{id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            {if has_data {
                children().into_any()
            } else {
                view! { <p class="empty">{empty}</p> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Projects(projects: Vec<ProjectVotes>) -> impl IntoView {
    let total: u32 = projects.iter().map(|p| p.open + p.revealed).sum();
    let bars: Vec<Bar> = projects
        .into_iter()
        .map(|p| Bar {
            note: Some(format!("{} open · {} revealed", p.open, p.revealed)),
            ..Bar::new(
                p.project.unwrap_or_else(|| "No project".into()),
                p.open + p.revealed,
            )
        })
        .collect();
    let summary = format!("{total} ongoing votes across {} projects.", bars.len());
    view! {
        <Section id="projects" title="Ongoing votes by project".into() empty="No votes are in progress." has_data=!bars.is_empty()>
            <RowChart id="projects-chart" title="Ongoing votes by project" summary bars
                headers=Headers { label: "Project", value: "Ongoing votes", note: Some("Open · revealed") } />
        </Section>
    }
}

#[component]
fn FinalSizes(decks: Vec<DeckSizes>) -> impl IntoView {
    let has_data = !decks.is_empty();
    let charts = decks
        .into_iter()
        .map(|deck| {
            let most = deck.sizes.iter().map(|s| s.count).max().unwrap_or(0);
            let title = format!(
                "Final sizes, {} ({} closed)",
                deck_label(deck.deck),
                deck.closed
            );
            let bars: Vec<Bar> = deck
                .sizes
                .iter()
                .map(|s| Bar {
                    note: Some(percent(f64::from(s.count) / f64::from(deck.closed.max(1)))),
                    highlight: s.count == most,
                    ..Bar::new(s.size.clone(), s.count)
                })
                .collect();
            let summary = format!("{} closed votes by final size.", deck.closed);
            view! {
                <ColumnChart id=format!("sizes-{}", deck.deck.as_str()) title summary bars show_title=true
                    headers=Headers { label: "Final size", value: "Votes", note: Some("Share") } />
            }
        })
        .collect_view();
    view! {
        <Section id="sizes" title="Final sizes of closed votes".into() empty="No vote has been closed yet." has_data>
            <div class="insights__decks">{charts}</div>
        </Section>
    }
}

#[component]
fn Voters(voters: Vec<VoterBallots>, total: u32, days: u32) -> impl IntoView {
    let shown = voters.len();
    let bars: Vec<Bar> = voters
        .into_iter()
        .map(|v| Bar::new(v.voter.name, v.ballots))
        .collect();
    let summary = if shown < total as usize {
        format!("The {shown} most active of {total} voters.")
    } else if total == 1 {
        "1 voter.".to_owned()
    } else {
        format!("{total} voters.")
    };
    view! {
        <Section id="voters" title=format!("Ballots per voter, last {days} days") empty="Nobody has voted lately." has_data=!bars.is_empty()>
            <p class="muted">{summary.clone()}</p>
            <RowChart id="voters-chart" title=format!("Ballots per voter, last {days} days") summary bars
                headers=Headers { label: "Voter", value: "Ballots", note: None } />
        </Section>
    }
}

#[component]
fn RevealSpeed(times: RevealTimes, days: u32) -> impl IntoView {
    let revealed = times.revealed;
    let median = times
        .median_seconds
        .map(|s| time::span(Duration::seconds(s as i64)));
    let mut lower = 0;
    let bars: Vec<Bar> = times
        .buckets
        .iter()
        .map(|bucket| {
            let label = range_label(lower, bucket.up_to_hours);
            lower = bucket.up_to_hours.unwrap_or(lower);
            Bar {
                note: Some(percent(
                    f64::from(bucket.count) / f64::from(revealed.max(1)),
                )),
                ..Bar::new(label, bucket.count)
            }
        })
        .collect();
    let rounds = match revealed {
        1 => "1 round".to_owned(),
        n => format!("{n} rounds"),
    };
    let summary = format!("{rounds} revealed by their owner, a quorum or a deadline.");
    view! {
        <Section id="reveal" title=format!("Time from round start to reveal, last {days} days")
            empty="No round has been revealed lately." has_data={revealed > 0}>
            <p class="muted">
                {summary.clone()}
                {median.map(|m| view! { " Median: " <strong>{m}</strong> "." })}
            </p>
            <ColumnChart id="reveal-chart" title=format!("Time from round start to reveal, last {days} days")
                summary bars
                headers=Headers { label: "Sealed for", value: "Rounds", note: Some("Share") } />
        </Section>
    }
}

/// "< 1 h", "4–24 h", "1–3 d", "> 3 d": hours up to a day, days beyond.
fn range_label(lower_hours: u32, upper_hours: Option<u32>) -> String {
    let in_days = |h: u32| h >= 24 && h.is_multiple_of(24);
    match (lower_hours, upper_hours) {
        (0, Some(upper)) if in_days(upper) => format!("< {} d", upper / 24),
        (0, Some(upper)) => format!("< {upper} h"),
        (lower, Some(upper)) if in_days(lower) && in_days(upper) => {
            format!("{}–{} d", lower / 24, upper / 24)
        }
        (lower, Some(upper)) => format!("{lower}–{upper} h"),
        (lower, None) if in_days(lower) => format!("> {} d", lower / 24),
        (lower, None) => format!("> {lower} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::range_label;

    #[test]
    fn reveal_ranges_read_in_hours_then_days() {
        let labels: Vec<String> = [
            (0, Some(1)),
            (1, Some(4)),
            (4, Some(24)),
            (24, Some(72)),
            (72, None),
        ]
        .into_iter()
        .map(|(lower, upper)| range_label(lower, upper))
        .collect();
        assert_eq!(labels, ["< 1 h", "1–4 h", "4–24 h", "1–3 d", "> 3 d"]);
    }
}
