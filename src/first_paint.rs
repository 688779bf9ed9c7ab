//! The first screen the server drew into the page (`/` and a vote's page, from the
//! answers it embedded), which the dashboard replaces with its own.

use leptos::prelude::document;

/// Removes the server's drawing, if the page has one
/// ([`asyncvoter_wire::pages::FIRST_PAINT_ATTRIBUTE`]). Called in an effect once a page
/// has drawn its first screen: effects run before the browser paints again, so the two
/// never show together and "Loading" never shows in between.
pub fn remove() {
    let attribute = asyncvoter_wire::pages::FIRST_PAINT_ATTRIBUTE;
    if let Ok(Some(paint)) = document().query_selector(&format!("[{attribute}]")) {
        paint.remove();
    }
}
