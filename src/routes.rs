//! Every path the dashboard links to, in one place.

/// The ongoing votes.
pub const HOME: &str = "/";
/// Closed votes.
pub const HISTORY: &str = "/history";
/// Charts across votes.
pub const INSIGHTS: &str = "/insights";
/// Starting a vote.
pub const NEW_VOTE: &str = "/votes/new";
/// Logging in.
pub const LOGIN: &str = "/login";
/// Managing members (admins).
pub const ADMIN: &str = "/admin";
/// The member's own account.
pub const ACCOUNT: &str = "/account";

/// The shareable page of one vote.
pub fn vote(id: &str) -> String {
    format!("/votes/{}", encode(id))
}

/// The login page, returning to `next` afterwards.
pub fn login_then(next: &str) -> String {
    format!("{LOGIN}?next={}", encode(next))
}

/// Where to go after logging in: `next` when it is a path on this site, else home.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => HOME.to_owned(),
    }
}

/// A list page with its filters in the query string, so a filtered view is a link.
pub fn filtered(base: &str, project: Option<&str>, name: Option<&str>) -> String {
    let params: Vec<String> = [("project", project), ("q", name)]
        .into_iter()
        .filter_map(|(key, value)| {
            value
                .filter(|v| !v.is_empty())
                .map(|v| format!("{key}={}", encode(v)))
        })
        .collect();
    if params.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", params.join("&"))
    }
}

/// Percent-encodes everything but unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_a_shareable_query_string() {
        assert_eq!(filtered(HOME, None, None), "/");
        assert_eq!(filtered(HOME, Some(""), Some("")), "/");
        assert_eq!(
            filtered(HOME, Some("#web team"), None),
            "/?project=%23web%20team"
        );
        assert_eq!(
            filtered(HISTORY, Some("api"), Some("log in")),
            "/history?project=api&q=log%20in"
        );
        assert_eq!(vote("abc123"), "/votes/abc123");
    }

    #[test]
    fn login_returns_only_to_paths_on_this_site() {
        assert_eq!(
            login_then("/votes/abc?x=1"),
            "/login?next=%2Fvotes%2Fabc%3Fx%3D1"
        );
        assert_eq!(safe_next(Some("/votes/abc")), "/votes/abc");
        for unsafe_next in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(Some(unsafe_next)), "/", "{unsafe_next}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
