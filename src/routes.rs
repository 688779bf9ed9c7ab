//! Every path the dashboard links to, in one place; which page each path shows is the
//! wire crate's, shared with the server.

pub use asyncvoter_wire::pages::{
    ACCOUNT, ADMIN, HISTORY, HOME, INSIGHTS, LOGIN, NEW_VOTE, NOTIFICATIONS, Page, TOKENS,
    VOTE_PREFIX, encode, local_path, login_then, page, vote, vote_id,
};

/// A list page with its filters in the query string, so a filtered view is a link.
pub fn filtered(base: &str, pairs: &[(&str, String)]) -> String {
    let params: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect();
    if params.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", params.join("&"))
    }
}

/// Undoes [`encode`]: `%XX` becomes its byte; text that is not UTF-8 afterwards keeps
/// replacement characters rather than failing.
pub fn decode(text: &str) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        let escaped = (byte == b'%')
            .then(|| tail.get(..2))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escaped {
            Some(decoded) => {
                bytes.push(decoded);
                rest = &tail[2..];
            }
            None => {
                bytes.push(byte);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_a_shareable_query_string() {
        let pairs =
            |project: &str, name: &str| [("project", project.to_owned()), ("q", name.to_owned())];
        assert_eq!(filtered(HOME, &pairs("", "")), "/");
        assert_eq!(
            filtered(HOME, &pairs("#web team", "")),
            "/?project=%23web%20team"
        );
        assert_eq!(
            filtered(HISTORY, &pairs("api", "log in")),
            "/history?project=api&q=log%20in"
        );
        assert_eq!(
            filtered(HISTORY, &[("from", "2026-11-01".to_owned())]),
            "/history?from=2026-11-01"
        );
        assert_eq!(vote("abc123"), "/votes/abc123");
    }

    #[test]
    fn vote_links_round_trip_their_ids() {
        assert_eq!(vote_id(&vote("a b")), Some("a%20b"));
        for id in ["abc123", "a b/c%d", "émoji 🗳", ""] {
            assert_eq!(decode(&encode(id)), id);
        }
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4%+1"), "%zz%4%+1");
    }

    #[test]
    fn the_login_link_carries_the_page_to_return_to() {
        assert_eq!(
            login_then("/votes/abc?x=1"),
            "/login?next=%2Fvotes%2Fabc%3Fx%3D1"
        );
    }
}
