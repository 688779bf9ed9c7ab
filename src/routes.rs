//! Every path the dashboard links to, in one place.

/// The ongoing votes.
pub const HOME: &str = "/";
/// Closed votes.
pub const HISTORY: &str = "/history";

/// The shareable page of one vote.
pub fn vote(id: &str) -> String {
    format!("/votes/{}", encode(id))
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
}
