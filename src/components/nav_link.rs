use crate::navigation::use_location;
use leptos::prelude::*;

/// A link within the dashboard that marks itself `aria-current="page"` while its page is
/// shown. The router follows it without reloading, as it does every same-origin link.
#[component]
pub fn NavLink(
    /// The path it leads to.
    href: &'static str,
    /// Current only on exactly `href`, not on paths below it (for `/`).
    #[prop(optional)]
    exact: bool,
    /// Its classes.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let pathname = use_location().pathname;
    let current = move || is_current(&pathname.read(), href, exact).then_some("page");
    view! { <a href=href class=class aria-current=current>{children()}</a> }
}

/// Whether a link to `href` leads to the page at `path`.
fn is_current(path: &str, href: &str, exact: bool) -> bool {
    let path = path.trim_end_matches('/');
    let href = href.trim_end_matches('/');
    path == href || (!exact && path.starts_with(href) && path[href.len()..].starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn a_link_is_current_on_its_page_and_the_pages_below_it() {
        assert!(is_current("/history", "/history", false));
        assert!(is_current("/history/", "/history", false));
        assert!(is_current("/votes/abc", "/votes", false));
        assert!(!is_current("/historyx", "/history", false));
        assert!(!is_current("/insights", "/history", false));
        assert!(is_current("/", "/", true));
        assert!(!is_current("/history", "/", true));
    }
}
