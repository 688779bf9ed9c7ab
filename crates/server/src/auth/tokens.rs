//! Integration tokens: long random strings, stored as SHA-256.

use base64::Engine;
use sha2::{Digest, Sha256};

/// How many integration tokens a server keeps at most.
pub const MAX_TOKENS: u32 = 100;

/// A new integration token: `av_` and 32 random bytes, URL-safe.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "av_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// What the database keeps of a token: its SHA-256. Tokens are long and random, so a
/// slow password hash would add nothing.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
