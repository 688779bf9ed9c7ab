//! Timestamps on the wire: RFC 3339 in UTC with milliseconds and a `Z`.

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};
use serde::de::{Error, Unexpected};
use serde::{Deserialize, Deserializer, Serializer};

/// Formats a timestamp the way every AsyncVoter response does: `2026-11-28T10:15:00.000Z`.
pub fn format(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `#[serde(with = "timestamp::millis")]` for a required timestamp.
pub mod millis {
    use super::*;

    /// Writes the timestamp with millisecond precision.
    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(at))
    }

    /// Reads any RFC 3339 timestamp.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse(&text).ok_or_else(|| {
            D::Error::invalid_value(Unexpected::Str(&text), &"an RFC 3339 timestamp")
        })
    }
}

/// `#[serde(with = "timestamp::millis_opt")]` for an optional timestamp.
pub mod millis_opt {
    use super::*;

    /// Writes the timestamp with millisecond precision, or `null`.
    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_some(&format(at)),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional RFC 3339 timestamp.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        #[derive(Deserialize)]
        struct Timestamp(#[serde(with = "super::millis")] DateTime<Utc>);
        Ok(Option::<Timestamp>::deserialize(d)?.map(|t| t.0))
    }
}

/// Reads an RFC 3339 timestamp (`2026-11-28T10:15:00.5+01:00`; `t`, `z` and a space
/// separator accepted too), or `None` when it is not one or names an impossible time.
// Written here rather than using chrono's parser: that one is a general format engine
// and costs the dashboard's wasm about 14 KB.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let sep = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if b.len() < 20 || !sep(4, b"-") || !sep(7, b"-") || !sep(10, b"Tt ") {
        return None;
    }
    if !sep(13, b":") || !sep(16, b":") {
        return None;
    }
    let year = digits(b, 0, 4)?;
    let (month, day) = (digits(b, 5, 2)?, digits(b, 8, 2)?);
    let (hour, minute, second) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    let mut at = 19;
    let mut nanos = 0;
    if b[at] == b'.' {
        let start = at + 1;
        at = start;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(b[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        nanos *= 10u32.pow(9u32.saturating_sub((at - start) as u32));
    }
    let offset_minutes = match &b[at..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (digits(b, at + 1, 2)?, digits(b, at + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = i64::from(h * 60 + m);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    // A leap second (`:60`) is kept as chrono keeps one: the 59th second, plus one.
    let (second, nanos) = if second == 60 {
        (59, nanos + 1_000_000_000)
    } else {
        (second, nanos)
    };
    let local = NaiveDate::from_ymd_opt(year as i32, month, day)?
        .and_hms_nano_opt(hour, minute, second, nanos)?;
    let utc = local.checked_sub_signed(TimeDelta::minutes(offset_minutes))?;
    Some(utc.and_utc())
}

/// `len` ASCII digits at `at` as a number.
fn digits(b: &[u8], at: usize, len: usize) -> Option<u32> {
    b.get(at..at + len)?.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What chrono's own RFC 3339 reader makes of `text`.
    fn chrono(text: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(text).ok().map(|t| t.to_utc())
    }

    #[test]
    fn reads_what_chrono_reads() {
        for text in [
            "2026-11-28T10:15:00.000Z",
            "2026-11-28T10:15:00Z",
            "2026-11-28t10:15:00z",
            "2026-11-28 10:15:00Z",
            "2026-11-28T10:15:00.5+01:00",
            "2026-11-28T23:59:59.123456789-09:30",
            "2026-11-28T10:15:00.1234567891234Z",
            "0001-01-01T00:00:00+00:00",
            "9999-12-31T23:59:59Z",
            "2016-12-31T23:59:60Z",
            "2024-02-29T12:00:00Z",
        ] {
            assert_eq!(parse(text), chrono(text), "{text}");
            assert!(parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for text in [
            "",
            "2026-11-28",
            "2026-11-28T10:15Z",
            "2026-11-28T10:15:00",
            "2026-11-28T10:15:00.Z",
            "2026-13-28T10:15:00Z",
            "2025-02-29T10:15:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T10:61:00Z",
            "2026-11-28T10:15:00+2400",
            "2026-11-28T10:15:00+24:00",
            "2026-11-28T10:15:00 Z",
            "2026-11-28T10:15:00Zjunk",
            "+2026-11-28T10:15:00Z",
            "2026-11-28T10:15:00\u{e9}Z",
        ] {
            assert_eq!(parse(text), None, "{text}");
            assert_eq!(chrono(text), None, "chrono reads {text}");
        }
    }

    #[test]
    fn what_it_writes_it_reads_back() {
        let at = parse("2026-11-28T10:15:00.250+02:00").unwrap();
        assert_eq!(format(&at), "2026-11-28T08:15:00.250Z");
        assert_eq!(parse(&format(&at)), Some(at));
    }
}
