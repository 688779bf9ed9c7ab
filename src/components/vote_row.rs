use std::cell::RefCell;
use std::rc::Rc;

use asyncvoter_wire::VoteSummary;
use asyncvoter_wire::markup::{RowParts, copy_link, row_content};
use leptos::prelude::*;

use crate::clock::use_now;
use crate::{routes, time};

/// One vote in a list: its story, state, who has voted and what comes next, and a button
/// that copies its link (the list answers its clicks: `copy_clicked`).
///
/// The row is drawn by the markup the server's first paint uses too
/// (`asyncvoter_wire::markup`), in one step: building its ~30 nodes one by one through
/// the wasm glue took most of a list's render. It reads its own signal, and a change
/// redraws only the parts whose text changed, so a ballot redraws the tally and never
/// the links a visitor may have focused.
#[component]
pub fn VoteRow(
    /// The vote, changed in place by the list.
    vote: ArcRwSignal<VoteSummary>,
) -> impl IntoView {
    let now = use_now();
    let (id, name) = vote.with_untracked(|v| (v.id.clone(), v.name.clone()));
    let actions = copy_link(&routes::vote(&id), &format!("to {name}"));
    let row = Rc::new(RefCell::new(Drawn::Pending(None)));
    let redraw = RenderEffect::new({
        let (vote, row) = (vote.clone(), row.clone());
        move |_| {
            let parts = vote.with(|v| RowParts::of(v, now.get(), time::exact));
            row.borrow_mut().show(parts);
        }
    });
    // The effect lives as long as the row: dropping it stops the redrawing.
    on_cleanup(move || drop(redraw));
    let state = move || vote.with(|v| v.state.as_str());
    view! {
        <li class="vote-row" data-state=state data-vote-id=id use:draw=(row, actions)></li>
    }
}

/// A row's element and what it shows, once it is built.
enum Drawn {
    /// Not built yet: the parts to draw first.
    Pending(Option<RowParts>),
    /// In the page.
    Shown(web_sys::Element, RowParts),
}

impl Drawn {
    /// Shows `parts`: kept for the first drawing, or each changed part redrawn.
    fn show(&mut self, parts: RowParts) {
        match self {
            Drawn::Pending(first) => *first = Some(parts),
            Drawn::Shown(element, shown) => {
                let children = element.children();
                for (index, (new, old)) in parts.in_order().iter().zip(shown.in_order()).enumerate()
                {
                    if *new != old
                        && let Some(part) = children.item(index as u32)
                    {
                        part.set_inner_html(new);
                    }
                }
                *shown = parts;
            }
        }
    }
}

/// Draws a row's content into its `<li>` as it is built.
fn draw(element: web_sys::Element, (row, actions): (Rc<RefCell<Drawn>>, String)) {
    let mut drawn = row.borrow_mut();
    if let Drawn::Pending(first) = &mut *drawn
        && let Some(parts) = first.take()
    {
        element.set_inner_html(&row_content(&parts, Some(&actions)));
        *drawn = Drawn::Shown(element, parts);
    }
}
