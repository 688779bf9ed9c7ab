//! The rows of a list of votes, drawn as the markup the server's first paint draws too
//! (`asyncvoter_wire::markup`): a new page of rows is one piece of HTML set in one step,
//! where building each row's ~30 nodes one by one through the wasm glue took most of a
//! list's render (measured with the render benchmark's profile).
//!
//! Each row follows its own vote's signal and redraws only the parts (head, facts,
//! tally) whose text changed, so a ballot never replaces a link a visitor has focused;
//! rows the list gains, loses or moves are added, removed or moved alone. The rows'
//! copy buttons are answered by one click handler on the list.

use std::cell::RefCell;
use std::rc::Rc;

use asyncvoter_wire::VoteSummary;
use asyncvoter_wire::markup::{RowParts, copy_link, row_content, row_element};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use web_sys::Element;

use crate::clock::use_now;
use crate::components::copy_link::copy_clicked;
use crate::{routes, time};

/// One vote of a list, changed in place as live events arrive.
pub type Row = ArcRwSignal<VoteSummary>;

/// A `<ul class="vote-list">` of `rows`, in their order.
#[component]
pub fn VoteRows(
    /// The votes shown, each in its own signal.
    #[prop(into)]
    rows: Signal<Vec<Row>>,
) -> impl IntoView {
    let now = use_now();
    let list = Rc::new(RefCell::new(List::default()));
    let follow = RenderEffect::new({
        let list = list.clone();
        move |_| {
            let rows = rows.get();
            list.borrow_mut().show(rows, now);
        }
    });
    // The effect (and each row's) lives as long as the list.
    on_cleanup(move || drop(follow));
    view! { <ul class="vote-list" on:click=|event| copy_clicked(&event) use:attach=list></ul> }
}

/// Gives the list its element as it is built, and draws what it holds.
fn attach(element: Element, list: Rc<RefCell<List>>) {
    let mut list = list.borrow_mut();
    list.element = Some(element);
    let pending = std::mem::take(&mut list.pending);
    if let Some((rows, now)) = pending {
        list.show(rows, now);
    }
}

/// The rows shown and the element they are in.
#[derive(Default)]
struct List {
    element: Option<Element>,
    /// What to show once the element exists.
    pending: Option<(Vec<Row>, Signal<DateTime<Utc>>)>,
    shown: Vec<Shown>,
}

impl List {
    /// Shows `rows` in their order: a list that keeps none of the rows shown in one step,
    /// otherwise each row added, removed or moved alone.
    fn show(&mut self, rows: Vec<Row>, now: Signal<DateTime<Utc>>) {
        let Some(list) = self.element.clone() else {
            self.pending = Some((rows, now));
            return;
        };
        let kept = |row: &Row| {
            row.with_untracked(|vote| self.shown.iter().any(|shown| shown.id == vote.id))
        };
        // A whole new list (the first, another search, none at all) replaces the old in
        // one step: the old rows' effects stop as they are dropped.
        if !rows.iter().any(kept) {
            self.shown.clear();
            let mut html = String::new();
            self.shown = rows.into_iter().map(|row| Shown::start(row, now)).collect();
            for shown in &self.shown {
                html.push_str(&shown.markup());
            }
            list.set_inner_html(&html);
            let elements = list.children();
            for (index, shown) in self.shown.iter().enumerate() {
                if let Some(element) = elements.item(index as u32) {
                    shown.attach(element);
                }
            }
            return;
        }
        let mut before: Vec<Option<Shown>> = self.shown.drain(..).map(Some).collect();
        // Lists change at their ends or by a row or two: a row is looked for where the
        // last one was found first.
        let mut near = 0;
        for row in rows {
            let id = row.with_untracked(|vote| vote.id.clone());
            let is_it = |shown: &Option<Shown>| shown.as_ref().is_some_and(|s| s.id == id);
            let found = (near..before.len())
                .chain(0..near)
                .find(|&index| is_it(&before[index]));
            let shown = match found.and_then(|index| {
                near = index + 1;
                before[index].take()
            }) {
                Some(shown) => shown,
                None => {
                    let shown = Shown::start(row, now);
                    shown.attach(shown.element());
                    shown
                }
            };
            self.shown.push(shown);
        }
        for gone in before.into_iter().flatten() {
            gone.remove();
        }
        // Into their order, moving only what is out of place.
        let mut next = list.first_element_child();
        for shown in &self.shown {
            let element = shown.row.borrow().element.clone();
            let Some(element) = element else { continue };
            if next.as_ref() == Some(&element) {
                next = element.next_element_sibling();
            } else {
                let _ = list.insert_before(&element, next.as_ref().map(|n| n.as_ref()));
            }
        }
    }
}

/// A row in the list: its vote's id, what it shows, and the effect that redraws it.
struct Shown {
    id: String,
    row: Rc<RefCell<Drawn>>,
    _redraw: RenderEffect<()>,
}

impl Shown {
    /// Follows `vote`: its parts now, and each change redrawn once it has an element.
    fn start(vote: Row, now: Signal<DateTime<Utc>>) -> Shown {
        let (id, name) = vote.with_untracked(|v| (v.id.clone(), v.name.clone()));
        let row = Rc::new(RefCell::new(Drawn {
            element: None,
            vote: vote.clone(),
            actions: copy_link(&routes::vote(&id), &format!("to {name}")),
            parts: None,
            state: "",
        }));
        let redraw = RenderEffect::new({
            let row = row.clone();
            move |_| {
                let (parts, state) =
                    vote.with(|v| (RowParts::of(v, now.get(), time::exact), v.state.as_str()));
                row.borrow_mut().show(parts, state);
            }
        });
        Shown {
            id,
            row,
            _redraw: redraw,
        }
    }

    /// The row's `<li>` as HTML, to be set with others.
    fn markup(&self) -> String {
        let row = self.row.borrow();
        let parts = row.parts.as_ref().expect("drawn when started");
        row.vote
            .with_untracked(|vote| row_element(vote, parts, Some(&row.actions)))
    }

    /// The row's `<li>`, made alone.
    fn element(&self) -> Element {
        let row = self.row.borrow();
        let element = document()
            .create_element("li")
            .expect("the document makes elements");
        element.set_class_name("vote-row");
        let _ = element.set_attribute("data-state", row.state);
        let _ = element.set_attribute("data-vote-id", &self.id);
        let parts = row.parts.as_ref().expect("drawn when started");
        element.set_inner_html(&row_content(parts, Some(&row.actions)));
        element
    }

    /// From now on the row redraws `element`.
    fn attach(&self, element: Element) {
        self.row.borrow_mut().element = Some(element);
    }

    /// Takes the row out of the page; its effect stops with it.
    fn remove(self) {
        if let Some(element) = &self.row.borrow().element {
            element.remove();
        }
    }
}

/// What a row shows, and where.
struct Drawn {
    element: Option<Element>,
    vote: Row,
    /// The row's copy button.
    actions: String,
    parts: Option<RowParts>,
    state: &'static str,
}

impl Drawn {
    /// Shows `parts` and `state`: kept until the row has an element, then each changed
    /// part redrawn.
    fn show(&mut self, parts: RowParts, state: &'static str) {
        if let (Some(element), Some(shown)) = (&self.element, &self.parts) {
            let children = element.children();
            for (index, (new, old)) in parts.in_order().iter().zip(shown.in_order()).enumerate() {
                if *new != old
                    && let Some(part) = children.item(index as u32)
                {
                    part.set_inner_html(new);
                }
            }
            if state != self.state {
                let _ = element.set_attribute("data-state", state);
            }
        }
        self.parts = Some(parts);
        self.state = state;
    }
}
