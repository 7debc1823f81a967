//! Float formatting for CSV files: shortest round-trip digits, with an
//! exponent for very small and very large magnitudes.

/// Formats `value` so that parsing it back gives the same `f64`: plain
/// digits for magnitudes in `[1e-4, 1e15)` and zero, scientific notation
/// (`1.5e-17`) otherwise, `NaN` and `inf` for non-finite values.
pub fn format_float(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 || !value.is_finite() || (1e-4..1e15).contains(&magnitude) {
        format!("{value}")
    } else {
        format!("{value:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_float_round_trips() {
        for value in [
            0.0,
            1.5,
            -2.25e-17,
            1.1102230246251565e-16,
            6.02e23,
            123456.789,
            -0.5,
            1e-4,
            9.99e14,
        ] {
            let text = format_float(value);
            assert_eq!(text.parse::<f64>().unwrap(), value, "{text}");
            assert!(text.len() < 26, "{text} is too long");
        }
    }

    #[test]
    fn format_float_uses_exponent_for_tiny_values() {
        assert_eq!(format_float(1.5e-17), "1.5e-17");
        assert_eq!(format_float(0.25), "0.25");
        assert_eq!(format_float(f64::NAN), "NaN");
        assert_eq!(format_float(f64::NEG_INFINITY), "-inf");
    }
}
