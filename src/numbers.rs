//! Numbers as people read them, with integer arithmetic (float formatting costs wasm size).

/// A share (0..1) as a whole percentage: `0.333` → `"33 %"`.
pub fn percent(share: f64) -> String {
    format!("{} %", (share * 100.0).round() as i64)
}

/// A number with `places` decimals (at most 3), rounded: `decimal(5.25, 1)` → `"5.3"`.
pub fn decimal(value: f64, places: u32) -> String {
    let scale = 10_i64.pow(places.min(3));
    let scaled = (value * scale as f64).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let (whole, fraction) = (scaled.abs() / scale, scaled.abs() % scale);
    if places == 0 {
        format!("{sign}{whole}")
    } else {
        format!(
            "{sign}{whole}.{fraction:0width$}",
            width = places.min(3) as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_whole_numbers() {
        assert_eq!(percent(0.0), "0 %");
        assert_eq!(percent(1.0 / 3.0), "33 %");
        assert_eq!(percent(0.675), "68 %");
        assert_eq!(percent(1.0), "100 %");
    }

    #[test]
    fn decimals_round_and_pad() {
        assert_eq!(decimal(5.25, 1), "5.3");
        assert_eq!(decimal(5.0, 1), "5.0");
        assert_eq!(decimal(0.8167, 2), "0.82");
        assert_eq!(decimal(0.05, 2), "0.05");
        assert_eq!(decimal(-1.26, 1), "-1.3");
        assert_eq!(decimal(7.6, 0), "8");
    }
}
