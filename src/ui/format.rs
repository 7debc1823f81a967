//! Compact number formatting for labels that must fit a few columns.

/// Formats `value` with three significant digits: plain notation for
/// magnitudes in [0.01, 10000), exponent notation otherwise ("1.2e-5").
/// Non-finite values print as "NaN", "inf" or "-inf".
pub fn format_value(value: f64) -> String {
    if !value.is_finite() {
        return format!("{value}");
    }
    let magnitude = value.abs();
    if value == 0.0 {
        "0".to_string()
    } else if (0.01..10_000.0).contains(&magnitude) {
        let decimals = if magnitude >= 100.0 {
            0
        } else if magnitude >= 10.0 {
            1
        } else if magnitude >= 1.0 {
            2
        } else {
            3
        };
        trim_zeros(format!("{value:.decimals$}"))
    } else {
        let text = format!("{value:.1e}");
        text.replace(".0e", "e")
    }
}

/// Removes trailing zeros after a decimal point ("0.500" -> "0.5").
fn trim_zeros(text: String) -> String {
    if !text.contains('.') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Formats a step count with a k or M suffix above 10 000 ("12k", "3.4M").
pub fn format_steps(steps: f64) -> String {
    if !steps.is_finite() {
        return format!("{steps}");
    }
    let magnitude = steps.abs();
    if magnitude < 10_000.0 {
        format!("{}", steps.round())
    } else if magnitude < 1.0e6 {
        format!("{}k", (steps / 1.0e3).round())
    } else if magnitude < 1.0e7 {
        trim_zeros(format!("{:.1}", steps / 1.0e6)) + "M"
    } else {
        format!("{}M", (steps / 1.0e6).round())
    }
}

/// Formats `10^exponent` as a tick label: "10⁻³" in Unicode, "1e-3" in ASCII.
pub fn format_power_of_ten(exponent: i32, ascii: bool) -> String {
    if ascii {
        return format!("1e{exponent}");
    }
    let digits: String = exponent
        .to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect();
    format!("10{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_format_cases() {
        let cases = [
            (0.0, "0"),
            (1.0, "1"),
            (0.5, "0.5"),
            (0.1234, "0.123"),
            (12.34, "12.3"),
            (123.4, "123"),
            (-2.5, "-2.5"),
            (1.0e-5, "1e-5"),
            (1.23e-5, "1.2e-5"),
            (25_000.0, "2.5e4"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "inf"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_value(value), expected, "{value}");
        }
    }

    #[test]
    fn steps_format_cases() {
        let cases = [
            (0.0, "0"),
            (9_999.0, "9999"),
            (12_345.0, "12k"),
            (3_400_000.0, "3.4M"),
            (2_000_000.0, "2M"),
            (25_000_000.0, "25M"),
        ];
        for (steps, expected) in cases {
            assert_eq!(format_steps(steps), expected, "{steps}");
        }
    }

    #[test]
    fn power_of_ten_labels() {
        assert_eq!(format_power_of_ten(-3, false), "10⁻³");
        assert_eq!(format_power_of_ten(0, false), "10⁰");
        assert_eq!(format_power_of_ten(12, false), "10¹²");
        assert_eq!(format_power_of_ten(-3, true), "1e-3");
    }
}
