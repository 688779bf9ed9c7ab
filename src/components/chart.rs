//! Hand-drawn SVG bar charts, each with its numbers in a table one click away.
//!
//! Every chart is an `<svg role="img">` named by its `<title>` and described by a `<desc>`
//! that lists every bar, so a screen reader hears what a sighted reader sees. The
//! highlighted bar is marked with ★ as well as colour.

use leptos::prelude::*;

use crate::components::Disclosure;

/// One bar of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What the bar stands for: a card, a project, a voter.
    pub label: String,
    /// Its height (columns) or length (rows).
    pub value: u32,
    /// Shown under the value and in the table, e.g. a percentage.
    pub note: Option<String>,
    /// The most chosen: accent colour and a ★.
    pub highlight: bool,
    /// Set apart after a gap and drawn as an outline (the `?` card).
    pub apart: bool,
}

impl Bar {
    /// A plain bar.
    pub fn new(label: impl Into<String>, value: u32) -> Bar {
        Bar {
            label: label.into(),
            value,
            note: None,
            highlight: false,
            apart: false,
        }
    }
}

/// The headers of a chart's data table.
#[derive(Debug, Clone, Copy)]
pub struct Headers {
    /// Over the bars' labels.
    pub label: &'static str,
    /// Over their values.
    pub value: &'static str,
    /// Over their notes, when they have any.
    pub note: Option<&'static str>,
}

// Column chart geometry, in viewBox units.
const SLOT: u32 = 60;
const BAR: u32 = 40;
const PLOT: u32 = 120;
const TOP: u32 = 40;
const BOTTOM: u32 = 28;
const GAP: u32 = 24;

/// Vertical bars in the given order: a distribution over cards or ranges.
#[component]
pub fn ColumnChart(
    /// Unique on the page; prefixes the ids of the title and description.
    #[prop(into)]
    id: String,
    /// The chart's accessible name.
    #[prop(into)]
    title: String,
    /// A sentence that leads the description; every bar's value follows it.
    #[prop(into)]
    summary: String,
    /// The bars, left to right.
    bars: Vec<Bar>,
    /// The data table's headers.
    headers: Headers,
    /// Show the title above the chart too (when no heading names it).
    #[prop(optional)]
    show_title: bool,
) -> impl IntoView {
    let max = tallest(&bars);
    let gap = if bars.iter().any(|b| b.apart) { GAP } else { 0 };
    let width = bars.len() as u32 * SLOT + gap;
    let height = TOP + PLOT + BOTTOM;
    let mut left = 0;
    let columns = bars
        .iter()
        .map(|bar| {
            if bar.apart {
                left += GAP;
            }
            let view = column(bar, left, max);
            left += SLOT;
            view
        })
        .collect_view();
    let axis = view! { <line class="chart__axis" x1="0" x2=width y1=TOP + PLOT y2=TOP + PLOT /> };
    // Drawn at one unit per CSS pixel, so its text is the page's size at every width; a
    // deck wider than the screen scrolls inside its frame.
    let shape = Shape {
        class: "chart__svg",
        width,
        height,
        show_title,
    };
    chart_figure(
        id,
        title,
        summary,
        shape,
        (axis, columns).into_any(),
        bars,
        headers,
    )
}

fn column(bar: &Bar, left: u32, max: u32) -> impl IntoView + use<> {
    let height = scaled(bar.value, max, PLOT);
    let top = TOP + PLOT - height;
    let center = left + SLOT / 2;
    let value = if bar.highlight {
        format!("★ {}", bar.value)
    } else {
        bar.value.to_string()
    };
    view! {
        <g class="chart__bar" class:chart__bar--mode=bar.highlight class:chart__bar--apart=bar.apart
            data-label=bar.label.clone() data-value=bar.value>
            <rect x=left + (SLOT - BAR) / 2 y=top width=BAR height=height rx="3" />
            <text class="chart__value" x=center y=top - 20 text-anchor="middle">{value}</text>
            {bar.note.clone().map(|note| view! {
                <text class="chart__note" x=center y=top - 6 text-anchor="middle">{note}</text>
            })}
            <text class="chart__label" x=center y=TOP + PLOT + 20 text-anchor="middle">{bar.label.clone()}</text>
        </g>
    }
}

// Row chart geometry, in viewBox units.
const LABEL: u32 = 130;
const TRACK: u32 = 170;
const VALUE: u32 = 40;
const ROW: u32 = 30;
const LABEL_CHARS: usize = 16;

/// Horizontal bars, one row each: a ranking by name (projects, voters).
#[component]
pub fn RowChart(
    /// Unique on the page; prefixes the ids of the title and description.
    #[prop(into)]
    id: String,
    /// The chart's accessible name.
    #[prop(into)]
    title: String,
    /// A sentence that leads the description; every bar's value follows it.
    #[prop(into)]
    summary: String,
    /// The bars, top to bottom.
    bars: Vec<Bar>,
    /// The data table's headers.
    headers: Headers,
) -> impl IntoView {
    let max = tallest(&bars);
    let width = LABEL + TRACK + VALUE;
    let height = bars.len() as u32 * ROW;
    let rows = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| row(bar, i as u32 * ROW, max))
        .collect_view();
    let shape = Shape {
        class: "chart__svg chart__svg--rows",
        width,
        height,
        show_title: false,
    };
    chart_figure(id, title, summary, shape, rows.into_any(), bars, headers)
}

fn row(bar: &Bar, top: u32, max: u32) -> impl IntoView + use<> {
    let length = scaled(bar.value, max, TRACK);
    let middle = top + ROW / 2;
    view! {
        <g class="chart__bar" class:chart__bar--mode=bar.highlight data-label=bar.label.clone() data-value=bar.value>
            <text class="chart__label" x=LABEL - 8 y=middle + 5 text-anchor="end">{shorten(&bar.label)}</text>
            <rect x=LABEL y=top + 6 width=length height=ROW - 12 rx="3" />
            <text class="chart__value" x=LABEL + length + 6 y=middle + 5>{bar.value}</text>
        </g>
    }
}

/// The outer attributes of a chart's `<svg>`.
struct Shape {
    class: &'static str,
    /// Its size in CSS pixels, and its viewBox: never stretched, so text stays its size.
    width: u32,
    height: u32,
    show_title: bool,
}

fn chart_figure(
    id: String,
    title: String,
    summary: String,
    shape: Shape,
    marks: AnyView,
    bars: Vec<Bar>,
    headers: Headers,
) -> impl IntoView {
    let description = describe(&summary, &bars);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let caption = shape
        .show_title
        .then(|| view! { <figcaption class="chart__title">{title.clone()}</figcaption> });
    view! {
        <figure class="chart" id=id>
            {caption}
            <div class="chart__frame">
                <svg class=shape.class role="img" viewBox=format!("0 0 {} {}", shape.width, shape.height)
                    width=shape.width height=shape.height aria-labelledby=labelled_by>
                    <title id=title_id>{title}</title>
                    <desc id=desc_id>{description}</desc>
                    {marks}
                </svg>
            </div>
            <ChartTable bars headers />
        </figure>
    }
}

/// The numbers of a chart as a table, folded under its chart.
#[component]
fn ChartTable(bars: Vec<Bar>, headers: Headers) -> impl IntoView {
    let notes = headers.note;
    view! {
        <Disclosure class="chart__data" summary="Show the numbers">
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{headers.label}</th>
                        <th scope="col" class="num">{headers.value}</th>
                        {notes.map(|note| view! { <th scope="col" class="num">{note}</th> })}
                    </tr>
                </thead>
                <tbody>
                    {bars
                        .into_iter()
                        .map(|bar| view! {
                            <tr>
                                <th scope="row">
                                    {bar.label}
                                    {bar.highlight.then(|| view! { <span class="chart__mark">" ★ most chosen"</span> })}
                                </th>
                                <td class="num">{bar.value}</td>
                                {notes.map(|_| view! { <td class="num">{bar.note.unwrap_or_default()}</td> })}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </Disclosure>
    }
}

/// The largest value, at least 1 so empty charts draw flat bars.
fn tallest(bars: &[Bar]) -> u32 {
    bars.iter().map(|b| b.value).max().unwrap_or(0).max(1)
}

/// `value` of `max` as a share of `extent`, rounded.
pub fn scaled(value: u32, max: u32, extent: u32) -> u32 {
    (u64::from(value) * u64::from(extent) * 2 / u64::from(max.max(1))).div_ceil(2) as u32
}

/// The summary, then every bar: "Ballots per card. 1: 0, 2: 3 (most chosen)."
fn describe(summary: &str, bars: &[Bar]) -> String {
    let values: Vec<String> = bars
        .iter()
        .map(|bar| {
            let mark = if bar.highlight { " (most chosen)" } else { "" };
            format!("{}: {}{mark}", bar.label, bar.value)
        })
        .collect();
    format!("{summary} {}.", values.join(", "))
}

/// A label cut to fit beside a row; the table keeps it whole.
fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}
