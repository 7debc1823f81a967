//! Tick labels of linear chart axes and of `log10` axes.

/// Formats `value`, a tick on an axis from `lo` to `hi`, with just enough
/// digits for neighbouring ticks to read differently.
///
/// plotters puts at most about ten labelled ticks on an axis, a step of 1,
/// 2 or 5 times `10^k` apart with `10^k >= (hi - lo) / 100`. So
/// `2 - floor(log10(hi - lo))` decimals always suffice, and the label stays
/// short where shortest round-trip digits would print `0.018000000000000002`.
/// Axes whose largest magnitude is at least `1e6`, or that need more than
/// six decimals, get scientific notation with as many mantissa digits.
/// A value within `1e-9 (hi - lo)` of zero is written as zero. Non-finite
/// values, and an empty or non-finite span, fall back to
/// [`crate::headless::number::format_float`].
pub(super) fn format_tick(value: f64, (lo, hi): (f64, f64)) -> String {
    let span = hi - lo;
    if !value.is_finite() || !span.is_finite() || span <= 0.0 {
        return crate::headless::number::format_float(value);
    }
    // A zero tick computed as a tiny remainder such as -1e-17 would read
    // "-0.00" or "-1.00e-17".
    let value = if value.abs() < 1e-9 * span {
        0.0
    } else {
        value
    };
    let span_exponent = span.log10().floor();
    let decimals = 2.0 - span_exponent;
    let magnitude = lo.abs().max(hi.abs());
    if magnitude < 1e6 && decimals <= 6.0 {
        let decimals = decimals.max(0.0) as usize;
        return format!("{value:.decimals$}");
    }
    // Digits of the mantissa, scaled to the largest magnitude on the axis.
    let mantissa_decimals = (magnitude.log10().floor() - span_exponent + 2.0).clamp(0.0, 12.0);
    let mantissa_decimals = mantissa_decimals as usize;
    format!("{value:.mantissa_decimals$e}")
}

/// Formats a tick of a `log10` axis, where `exponent` is `log10` of the
/// value: `1e-2` at a whole exponent, else the value itself with two
/// significant digits (`3.2e-1` at `-0.5`), so that no label shows a
/// fractional power of ten.
pub(super) fn format_log_tick(exponent: f64) -> String {
    if !exponent.is_finite() {
        return crate::headless::number::format_float(exponent);
    }
    let whole = exponent.round();
    if (exponent - whole).abs() < 1e-9 {
        return format!("1e{whole:.0}");
    }
    format!("{:.1e}", 10f64.powf(exponent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_show_powers_and_values() {
        assert_eq!(format_log_tick(-2.0), "1e-2");
        assert_eq!(format_log_tick(0.0), "1e0");
        assert_eq!(format_log_tick(3.0000000000001), "1e3");
        assert_eq!(format_log_tick(-0.5), "3.2e-1");
        assert_eq!(format_log_tick(-2.5), "3.2e-3");
        assert_eq!(format_log_tick(f64::NAN), "NaN");
    }

    #[test]
    fn ticks_of_step_axis_are_integers() {
        assert_eq!(format_tick(0.0, (-15.0, 515.0)), "0");
        assert_eq!(format_tick(450.0, (-15.0, 515.0)), "450");
        assert_eq!(format_tick(150_000.0, (0.0, 200_000.0)), "150000");
    }

    #[test]
    fn ticks_hide_rounding_noise() {
        let range = (-0.0005, 0.0186);
        assert_eq!(format_tick(0.018000000000000002, range), "0.0180");
        assert_eq!(format_tick(0.002, range), "0.0020");
        let range = (-1.3, 1.1);
        assert_eq!(format_tick(0.9999999999996, range), "1.00");
        assert_eq!(format_tick(3.0e-16, range), "0.00");
        assert_eq!(format_tick(-3.0e-16, range), "0.00");
        assert_eq!(format_tick(-0.25, range), "-0.25");
    }

    #[test]
    fn ticks_of_tiny_or_huge_axes_are_scientific() {
        assert_eq!(format_tick(3e-8, (2e-8, 9e-8)), "3.00e-8");
        assert_eq!(format_tick(2.5e6, (0.0, 4e6)), "2.50e6");
        assert_eq!(format_tick(-1e-10, (-1e6, 4e6)), "0.00e0");
        // A narrow window around a large offset keeps the digits that differ.
        assert_eq!(format_tick(1e6 + 0.5, (1e6, 1e6 + 1.0)), "1.00000050e6");
    }

    #[test]
    fn ticks_fall_back_on_degenerate_input() {
        assert_eq!(format_tick(f64::NAN, (0.0, 1.0)), "NaN");
        assert_eq!(format_tick(0.5, (1.0, 1.0)), "0.5");
        assert_eq!(format_tick(0.5, (0.0, f64::INFINITY)), "0.5");
    }
}
