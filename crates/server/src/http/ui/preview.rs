//! Link previews: `/votes/{id}` is served with Open Graph tags naming the vote, so chat
//! tools unfurl a shared link. They say what the vote is and how far it got, never a card
//! or the final size.

use asyncvoter_wire::VoteState;

use crate::store::{StoreError, VoteHistory};
use crate::{AppState, Visibility};
use asyncvoter_wire::markup::escape;

/// What `index.html` gets for one page.
pub enum Preview {
    /// The vote exists: its tags.
    Vote(String),
    /// No such vote.
    Missing,
    /// Nothing to add (another page, or a members-only server).
    Generic,
}

/// The preview of the page of vote `id` (still percent-encoded, as ids never need).
pub async fn for_vote(state: &AppState, id: &str) -> Preview {
    // Previews are fetched anonymously: a members-only server names nothing.
    if state.settings.visibility == Visibility::Members {
        return Preview::Generic;
    }
    match state.store.vote(id).await {
        Ok(history) => Preview::Vote(tags(&history, state.settings.public_url.as_deref())),
        Err(StoreError::NotFound(_)) => Preview::Missing,
        Err(error) => {
            tracing::warn!(%error, "link preview: the vote could not be read");
            Preview::Generic
        }
    }
}

/// Puts the preview's tags into `index.html`: its `<title>` replaced by one naming the
/// vote, the Open Graph tags before `</head>`.
pub fn apply(html: &str, preview: &Preview) -> String {
    let Preview::Vote(tags) = preview else {
        return html.to_owned();
    };
    let mut html = html.to_owned();
    if let (Some(start), Some(end)) = (html.find("<title>"), html.find("</title>")) {
        html.replace_range(start..end + "</title>".len(), "");
    }
    match html.find("</head>") {
        Some(end) => format!("{}{tags}\n  {}", &html[..end], &html[end..]),
        None => html,
    }
}

fn tags(history: &VoteHistory, public_url: Option<&str>) -> String {
    let vote = &history.vote;
    let title = escape(&vote.name);
    let description = escape(&describe(history));
    let url = public_url.map(|base| {
        format!(
            "\n    <meta property=\"og:url\" content=\"{}/votes/{}\" />",
            escape(base.trim_end_matches('/')),
            escape(&vote.id)
        )
    });
    format!(
        "  <meta property=\"og:type\" content=\"website\" />\n    \
         <meta property=\"og:site_name\" content=\"AsyncVoter\" />\n    \
         <meta property=\"og:title\" content=\"{title}\" />\n    \
         <meta property=\"og:description\" content=\"{description}\" />{}\n    \
         <meta name=\"twitter:card\" content=\"summary\" />\n    \
         <title>{title} · AsyncVoter</title>",
        url.unwrap_or_default()
    )
}

/// "web: Voting, round 2 · 3 of 5 ballots so far" (never a value).
fn describe(history: &VoteHistory) -> String {
    let vote = &history.vote;
    let cast = history.current_ballots().count();
    let state = match vote.state {
        VoteState::Open => "Voting",
        VoteState::Revealed => "Revealed",
        VoteState::Closed => "Closed",
    };
    let round = if vote.round > 1 {
        format!(", round {}", vote.round)
    } else {
        String::new()
    };
    let ballots = match (vote.state, vote.quorum) {
        (VoteState::Open, Some(quorum)) => format!("{cast} of {quorum} ballots so far"),
        (VoteState::Open, None) => format!("{cast} ballots so far"),
        _ => format!("{cast} ballots"),
    };
    let project = vote
        .project
        .as_deref()
        .map(|p| format!("{p}: "))
        .unwrap_or_default();
    format!("{project}{state}{round} · {ballots}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_names_is_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }

    #[test]
    fn the_preview_replaces_the_title_and_goes_before_the_head_ends() {
        let html = "<html><head><title>AsyncVoter</title></head><body></body></html>";
        let out = apply(html, &Preview::Vote("<meta x />".into()));
        assert_eq!(out, "<html><head><meta x />\n  </head><body></body></html>");
        assert_eq!(apply(html, &Preview::Generic), html);
    }
}
