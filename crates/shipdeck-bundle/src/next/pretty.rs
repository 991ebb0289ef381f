//! Sizes printed the way `next build` prints them (its `prettyBytes`):
//! 1000-based units, three significant digits, `toPrecision` rounding of
//! the double `bytes / 1000^n` (half away from zero on its exact value).

const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

pub fn pretty_bytes(bytes: u64) -> String {
    if bytes == 0 {
        return "0 B".into();
    }
    let n = bytes as f64;
    let exp = ((n.log10() / 3.0).floor() as usize).min(UNITS.len() - 1);
    let v = n / 1000f64.powi(exp as i32);
    format!("{} {}", js_number(to_precision3(v)), UNITS[exp])
}

/// `Number(v.toPrecision(3))`: rounds the exact binary value of `v` to
/// three significant digits, a tie going up.
fn to_precision3(v: f64) -> f64 {
    // 60 digits hold the exact value of any double in [1, 1000).
    let exact = format!("{v:.60e}");
    let (mantissa, exp) = exact.split_once('e').unwrap_or((&exact, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|d| d - b'0')
        .collect();
    let mut head = digits.iter().take(3).fold(0u64, |a, d| a * 10 + u64::from(*d));
    let rest = &digits[3.min(digits.len())..];
    let up = match rest.first() {
        Some(d) if *d > 5 => true,
        Some(5) => true,
        _ => false,
    };
    if up {
        head += 1;
    }
    head as f64 * 10f64.powi(exp - 2)
}

/// A number as JavaScript prints it (shortest form that reads back).
fn js_number(v: f64) -> String {
    // Rebuild through a string so that 96.89999… from the multiplication
    // above prints as 96.9, as `Number("96.9")` would.
    let s = format!("{v:.2}");
    let back: f64 = s.parse().unwrap_or(v);
    format!("{back}")
}

#[cfg(test)]
mod tests {
    use super::pretty_bytes;

    #[test]
    fn pretty_bytes_matches_next_rounding() {
        for (n, s) in [
            (0, "0 B"),
            (127, "127 B"),
            (994, "994 B"),
            (1000, "1 kB"),
            (1125, "1.13 kB"),
            (2810, "2.81 kB"),
            (25_300, "25.3 kB"),
            (96_850, "96.8 kB"),
            (96_950, "97 kB"),
            (1005, "1 kB"),
            (1015, "1.01 kB"),
            (1025, "1.02 kB"),
            (102_950, "103 kB"),
            (999_999, "1000 kB"),
            (1_000_000, "1 MB"),
            (57_697, "57.7 kB"),
        ] {
            assert_eq!(pretty_bytes(n), s, "{n}");
        }
    }
}
