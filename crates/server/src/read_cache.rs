//! Reads kept while nothing they show has changed: list answers, compressed, and the
//! votes their pages read.
//!
//! An entry is keyed on what was read (a list's query, a vote's id) and stamped with the
//! store's [`ReadVersion`] (the newest event id and the names version, both read from
//! the database before the read, so a write by another instance or process is seen on
//! the next read). An entry is used only while the version read for a request is exactly
//! its own. A list shows nothing that differs between callers who may read it (the
//! visibility guard decides who may), so it is kept as its answer; a vote is kept as the
//! store gave it, sealed values and all, and each caller's answer is made from it by the
//! same `views::detail` that seals it for them.
//!
//! A list's answer is compressed at most once per encoding, when first asked for. The
//! level follows the size (measured on this machine with the `brotli` and `flate2`
//! crates, a 48 KB list of 100 votes): brotli quality 5 takes 0.70 ms for 2.8 KB, quality
//! 4 0.52 ms for 2.9 KB, quality 9 5.0 ms for no gain, quality 11 112 ms for 2.5 KB; gzip
//! 6 0.19 ms for 3.5 KB. Paid once per change, quality 5 is the best trade; below 860
//! bytes compression saves too little to be worth a round of it.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use asyncvoter_wire::VoteDetail;
use bytes::Bytes;

use crate::domain::DomainError;
use crate::domain::records::VoteHistory;
use crate::domain::views::{self, Names};
use crate::store::ReadVersion;

/// List answers kept; past this, the oldest goes.
pub const LISTS_KEPT: usize = 64;
/// Votes kept: every vote a busy team has open, and then some.
pub const VOTES_KEPT: usize = 128;
/// Ballots (all rounds) a vote may hold and still be kept. A team's vote holds tens; one
/// with more is read anew each time, so kept votes stay within a few megabytes however
/// many ballots a token casts (128 × 200 ballots with 500-character reasons ≈ 20 MB).
pub const BALLOTS_KEPT: usize = 200;
/// Below this many bytes an answer is sent as it is.
const SMALLEST_COMPRESSED: usize = 860;
const BROTLI_QUALITY: i32 = 5;
const GZIP_LEVEL: u32 = 6;

/// How an answer is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best encoding an `Accept-Encoding` header allows: brotli, then gzip.
    pub fn preferred(accept: Option<&str>) -> Encoding {
        let accepts = |wanted: &str| {
            accept.unwrap_or_default().split(',').any(|item| {
                let mut parts = item.split(';').map(str::trim);
                let named = parts.next().is_some_and(|n| n.eq_ignore_ascii_case(wanted));
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                named && !refused
            })
        };
        if accepts("br") {
            Encoding::Brotli
        } else if accepts("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }
}

/// A list's answer, and its compressed forms once asked for.
#[derive(Debug)]
pub struct Compressible {
    json: Bytes,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

impl Compressible {
    /// `json`, not yet compressed.
    pub fn new(json: Bytes) -> Compressible {
        Compressible {
            json,
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        }
    }

    /// The answer in `wanted` (or as it is, when too small to compress), and the encoding
    /// it is in.
    pub fn body(&self, wanted: Encoding) -> (Encoding, Bytes) {
        if self.json.len() < SMALLEST_COMPRESSED {
            return (Encoding::Identity, self.json.clone());
        }
        let body = match wanted {
            Encoding::Brotli => self.brotli.get_or_init(|| brotli(&self.json)),
            Encoding::Gzip => self.gzip.get_or_init(|| gzip(&self.json)),
            Encoding::Identity => &self.json,
        };
        (wanted, body.clone())
    }
}

/// A vote as the store gave it, with the names of everyone in it.
#[derive(Debug)]
pub struct VoteRead {
    /// The vote, its rounds and ballots, sealed values included.
    pub history: VoteHistory,
    /// Display names of its voters and owner.
    pub names: Names,
}

impl VoteRead {
    /// The vote as `viewer` may see it: sealed values only their own
    /// ([`views::detail`]).
    pub fn detail_for(&self, viewer: Option<&str>) -> Result<VoteDetail, DomainError> {
        views::detail(&self.history, &self.names, viewer)
    }

    /// Whether it is small enough to keep ([`BALLOTS_KEPT`]).
    pub fn worth_keeping(&self) -> bool {
        self.history.ballots.len() <= BALLOTS_KEPT
    }
}

/// Kept reads of one kind, by key.
#[derive(Debug)]
pub struct ReadCache<V> {
    most: usize,
    entries: Mutex<Entries<V>>,
}

#[derive(Debug)]
struct Entries<V> {
    by_key: HashMap<String, (ReadVersion, Arc<V>)>,
    /// Keys, oldest first.
    order: VecDeque<String>,
}

impl<V> ReadCache<V> {
    /// An empty cache keeping at most `most` entries.
    pub fn new(most: usize) -> Self {
        ReadCache {
            most,
            entries: Mutex::new(Entries {
                by_key: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// The read kept for `key` at exactly `version`.
    pub fn get(&self, key: &str, version: ReadVersion) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .by_key
            .get(key)
            .filter(|(kept, _)| *kept == version)
            .map(|(_, value)| value.clone())
    }

    /// Keeps `value` as the read for `key` at `version`, in place of any older one.
    pub fn put(&self, key: &str, version: ReadVersion, value: V) -> Arc<V> {
        let value = Arc::new(value);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries
            .by_key
            .insert(key.to_owned(), (version, value.clone()))
            .is_none()
        {
            entries.order.push_back(key.to_owned());
            if entries.order.len() > self.most
                && let Some(oldest) = entries.order.pop_front()
            {
                entries.by_key.remove(&oldest);
            }
        }
        value
    }
}

fn brotli(json: &[u8]) -> Bytes {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        size_hint: json.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(json.len() / 8);
    // Writing to a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &json[..], &mut out, &params);
    out.into()
}

fn gzip(json: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(json.len() / 6),
        flate2::Compression::new(GZIP_LEVEL),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(json);
    encoder.finish().unwrap_or_default().into()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn version(event: i64, names: i64) -> ReadVersion {
        ReadVersion { event, names }
    }

    #[test]
    fn an_entry_serves_only_its_own_version() {
        let cache = ReadCache::new(LISTS_KEPT);
        cache.put("q", version(7, 1), "[7]");
        assert!(cache.get("q", version(7, 1)).is_some());
        assert!(cache.get("q", version(8, 1)).is_none(), "a newer event");
        assert!(cache.get("q", version(7, 2)).is_none(), "a renamed member");
        assert!(cache.get("other", version(7, 1)).is_none());
        cache.put("q", version(8, 1), "[8]");
        assert!(cache.get("q", version(7, 1)).is_none(), "replaced");
    }

    #[test]
    fn a_vote_is_kept_only_up_to_its_ballot_limit() {
        use crate::domain::records::{BallotRecord, VoteHistory};
        let ballot = |n: usize| BallotRecord {
            id: n.to_string(),
            round: 1,
            voter: format!("slack:T1:U{n}"),
            card: "5".into(),
            reason: Some("r".repeat(500)),
            created_at: chrono::DateTime::UNIX_EPOCH,
            cast_at: chrono::DateTime::UNIX_EPOCH,
        };
        let vote = crate::domain::records::VoteRecord {
            id: "v".into(),
            name: "Crowded".into(),
            url: None,
            project: None,
            owner: None,
            deck: asyncvoter_wire::DeckKind::Fibonacci,
            cards: None,
            state: asyncvoter_wire::VoteState::Open,
            round: 1,
            quorum: None,
            deadline: None,
            final_size: None,
            expected_voters: Vec::new(),
            reveal_when_all_voted: false,
            created_at: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            closed_at: None,
        };
        let read = |ballots: usize| VoteRead {
            history: VoteHistory {
                vote: vote.clone(),
                rounds: Vec::new(),
                ballots: (0..ballots).map(ballot).collect(),
            },
            names: Names::default(),
        };
        assert!(read(BALLOTS_KEPT).worth_keeping());
        assert!(!read(BALLOTS_KEPT + 1).worth_keeping());
    }

    #[test]
    fn the_oldest_entries_go_first() {
        let cache = ReadCache::new(LISTS_KEPT);
        for i in 0..=LISTS_KEPT {
            cache.put(&i.to_string(), version(1, 0), i);
        }
        assert!(cache.get("0", version(1, 0)).is_none());
        assert!(cache.get("1", version(1, 0)).is_some());
        assert!(cache.get(&LISTS_KEPT.to_string(), version(1, 0)).is_some());
    }

    #[test]
    fn compressed_bodies_decompress_to_the_answer_and_small_ones_stay_plain() {
        let json: Bytes = format!("[{}0]", "{\"name\":\"Story\"},".repeat(200)).into();
        let cached = Compressible::new(json.clone());
        let (encoding, body) = cached.body(Encoding::Brotli);
        assert_eq!(encoding, Encoding::Brotli);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &body[..], &mut back).unwrap();
        assert_eq!(back, json);
        assert!(body.len() < json.len() / 10);
        let (encoding, body) = cached.body(Encoding::Gzip);
        assert_eq!(encoding, Encoding::Gzip);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, json);
        let small = Compressible::new(Bytes::from_static(b"[]"));
        assert_eq!(small.body(Encoding::Brotli).0, Encoding::Identity);
    }

    #[test]
    fn the_browsers_accept_encoding_picks_brotli() {
        assert_eq!(
            Encoding::preferred(Some("gzip, deflate, br, zstd")),
            Encoding::Brotli
        );
        assert_eq!(Encoding::preferred(Some("gzip")), Encoding::Gzip);
        assert_eq!(Encoding::preferred(Some("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(Encoding::preferred(Some("identity")), Encoding::Identity);
        assert_eq!(Encoding::preferred(None), Encoding::Identity);
    }
}
