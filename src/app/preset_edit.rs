//! Parameter edits bound to keys. Each edit changes a `Preset` in place and
//! returns the message to flash.

use crate::config::types::{Optimizer, Preset, Scaling};

/// Smallest and largest hidden width reachable with `w` and `W`.
pub const WIDTH_RANGE: (usize, usize) = (1, 65_536);
/// Range of `gamma0` reachable with `[` and `]`: 2^-10 to 2^10.
pub const GAMMA0_RANGE: (f64, f64) = (1.0 / 1024.0, 1024.0);
/// Range of `eta0` reachable with `+` and `-`.
pub const LEARNING_RATE_RANGE: (f64, f64) = (1.0e-6, 1.0e4);

/// Result of an edit: `Changed` means the preset differs and the run must
/// restart, `Rejected` means a bound was hit and the preset is unchanged.
#[derive(Clone, Debug, PartialEq)]
pub enum EditOutcome {
    Changed(String),
    Rejected(String),
}

/// Cycles the scaling: standard -> mean-field -> gamma0 -> standard.
pub fn cycle_scaling(preset: &mut Preset) -> EditOutcome {
    let before = preset.model.scaling;
    preset.model.scaling = match before {
        Scaling::Standard => Scaling::MeanField,
        Scaling::MeanField => Scaling::Gamma0,
        Scaling::Gamma0 => Scaling::Standard,
    };
    EditOutcome::Changed(format!(
        "scaling {} -> {} (gamma {})",
        before.name(),
        preset.model.scaling.name(),
        format_number(preset.model.gamma())
    ))
}

/// Multiplies `gamma0` by `factor` and switches the scaling to gamma0.
/// Rejects a result outside `GAMMA0_RANGE` or a non-finite one.
pub fn scale_gamma0(preset: &mut Preset, factor: f64) -> EditOutcome {
    let before = preset.model.gamma0;
    let after = before * factor;
    if !after.is_finite() || after < GAMMA0_RANGE.0 || after > GAMMA0_RANGE.1 {
        return EditOutcome::Rejected(format!(
            "gamma0 stays {}: limits are {} to {}",
            format_number(before),
            format_number(GAMMA0_RANGE.0),
            format_number(GAMMA0_RANGE.1)
        ));
    }
    preset.model.gamma0 = after;
    preset.model.scaling = Scaling::Gamma0;
    EditOutcome::Changed(format!(
        "gamma0 {} -> {} (scaling gamma0)",
        format_number(before),
        format_number(after)
    ))
}

/// Halves (`double = false`) or doubles the hidden width within `WIDTH_RANGE`.
pub fn scale_width(preset: &mut Preset, double: bool) -> EditOutcome {
    let before = preset.model.width;
    let after = if double {
        before.saturating_mul(2).min(WIDTH_RANGE.1)
    } else {
        (before / 2).max(WIDTH_RANGE.0)
    };
    if after == before {
        let bound = if double { "maximum" } else { "minimum" };
        return EditOutcome::Rejected(format!("width is already at its {bound} {before}"));
    }
    preset.model.width = after;
    EditOutcome::Changed(format!("width {before} -> {after}"))
}

/// Temperature `T0` given to a Langevin run whose preset has none (a GD
/// preset may set 0, which Langevin rejects).
pub const FALLBACK_TEMPERATURE: f64 = 0.01;

/// Switches between gradient descent and Langevin dynamics. Switching to
/// Langevin with a temperature that is not positive sets it to
/// `FALLBACK_TEMPERATURE`.
///
/// The learning rate keeps its fraction of the stability limit: GD needs
/// `eta0 < 2P / lambda_max` and Langevin `eta0 < T0 / lambda_max`, so the
/// rate is multiplied by `T0 / 2P` on the way to Langevin and divided by it
/// on the way back.
pub fn toggle_optimizer(preset: &mut Preset) -> EditOutcome {
    let before = preset.train.optimizer;
    preset.train.optimizer = match before {
        Optimizer::Gd => Optimizer::Langevin,
        Optimizer::Langevin => Optimizer::Gd,
    };
    let mut message = format!(
        "optimizer {} -> {}",
        before.name(),
        preset.train.optimizer.name()
    );
    let temperature = preset.train.temperature;
    if preset.train.optimizer == Optimizer::Langevin
        && !(temperature > 0.0 && temperature.is_finite())
    {
        preset.train.temperature = FALLBACK_TEMPERATURE;
        message.push_str(&format!(" (temperature T0 set to {FALLBACK_TEMPERATURE})"));
    }
    let ratio = preset.train.temperature / (2.0 * preset.data.train as f64);
    let rate = match preset.train.optimizer {
        Optimizer::Langevin => preset.train.learning_rate * ratio,
        Optimizer::Gd => preset.train.learning_rate / ratio,
    };
    if rate.is_finite() && rate > 0.0 {
        let rate = rate.clamp(LEARNING_RATE_RANGE.0, LEARNING_RATE_RANGE.1);
        preset.train.learning_rate = rate;
        message.push_str(&format!(", η0 {}", format_number(rate)));
    }
    EditOutcome::Changed(message)
}

/// Multiplies the learning rate `eta0` by `factor` within `LEARNING_RATE_RANGE`.
pub fn scale_learning_rate(preset: &mut Preset, factor: f64) -> EditOutcome {
    let before = preset.train.learning_rate;
    let after = before * factor;
    if !after.is_finite() || after < LEARNING_RATE_RANGE.0 || after > LEARNING_RATE_RANGE.1 {
        return EditOutcome::Rejected(format!(
            "learning rate stays {}: limits are {} to {}",
            format_number(before),
            format_number(LEARNING_RATE_RANGE.0),
            format_number(LEARNING_RATE_RANGE.1)
        ));
    }
    preset.train.learning_rate = after;
    EditOutcome::Changed(format!(
        "learning rate {} -> {}",
        format_number(before),
        format_number(after)
    ))
}

/// Formats with four significant digits and no trailing zeros, switching
/// to exponent notation outside [1e-3, 1e5).
fn format_number(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 {
        return "0".to_string();
    }
    if !(1.0e-3..1.0e5).contains(&magnitude) {
        return format!("{value:.3e}");
    }
    let decimals = (3 - magnitude.log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::sample_preset;

    #[test]
    fn scaling_cycles_through_three() {
        let mut preset = sample_preset();
        preset.model.scaling = Scaling::Standard;
        let order = [Scaling::MeanField, Scaling::Gamma0, Scaling::Standard];
        for expected in order {
            let outcome = cycle_scaling(&mut preset);
            assert!(matches!(outcome, EditOutcome::Changed(_)));
            assert_eq!(preset.model.scaling, expected);
        }
    }

    #[test]
    fn gamma0_steps_and_switches_scaling() {
        let mut preset = sample_preset();
        preset.model.scaling = Scaling::MeanField;
        preset.model.gamma0 = 1.0;
        let outcome = scale_gamma0(&mut preset, 2.0);
        assert_eq!(
            outcome,
            EditOutcome::Changed("gamma0 1 -> 2 (scaling gamma0)".to_string())
        );
        assert_eq!(preset.model.gamma0, 2.0);
        assert_eq!(preset.model.scaling, Scaling::Gamma0);
        scale_gamma0(&mut preset, 0.5);
        scale_gamma0(&mut preset, 0.5);
        assert_eq!(preset.model.gamma0, 0.5);
    }

    #[test]
    fn gamma0_rejects_outside_range() {
        let mut preset = sample_preset();
        preset.model.scaling = Scaling::Standard;
        preset.model.gamma0 = GAMMA0_RANGE.1;
        let outcome = scale_gamma0(&mut preset, 2.0);
        assert!(matches!(outcome, EditOutcome::Rejected(_)));
        assert_eq!(preset.model.gamma0, GAMMA0_RANGE.1);
        // A rejected edit leaves the scaling alone too.
        assert_eq!(preset.model.scaling, Scaling::Standard);
        preset.model.gamma0 = GAMMA0_RANGE.0;
        assert!(matches!(
            scale_gamma0(&mut preset, 0.5),
            EditOutcome::Rejected(_)
        ));
    }

    #[test]
    fn width_respects_bounds() {
        let mut preset = sample_preset();
        preset.model.width = 3;
        assert!(matches!(
            scale_width(&mut preset, false),
            EditOutcome::Changed(_)
        ));
        assert_eq!(preset.model.width, 1);
        assert!(matches!(
            scale_width(&mut preset, false),
            EditOutcome::Rejected(_)
        ));
        assert_eq!(preset.model.width, 1);

        preset.model.width = 40_000;
        scale_width(&mut preset, true);
        assert_eq!(preset.model.width, 65_536);
        assert!(matches!(
            scale_width(&mut preset, true),
            EditOutcome::Rejected(_)
        ));
        assert_eq!(preset.model.width, 65_536);
    }

    #[test]
    fn width_message_names_both_values() {
        let mut preset = sample_preset();
        preset.model.width = 512;
        let outcome = scale_width(&mut preset, true);
        assert_eq!(
            outcome,
            EditOutcome::Changed("width 512 -> 1024".to_string())
        );
    }

    #[test]
    fn optimizer_toggles_both_ways() {
        let mut preset = sample_preset();
        preset.train.optimizer = Optimizer::Gd;
        toggle_optimizer(&mut preset);
        assert_eq!(preset.train.optimizer, Optimizer::Langevin);
        toggle_optimizer(&mut preset);
        assert_eq!(preset.train.optimizer, Optimizer::Gd);
    }

    #[test]
    fn optimizer_toggle_keeps_stability_fraction() {
        let mut preset = sample_preset();
        preset.train.optimizer = Optimizer::Gd;
        preset.train.temperature = 0.01;
        preset.train.learning_rate = 0.2;
        toggle_optimizer(&mut preset);
        // GD's limit is 2P / lambda and Langevin's T0 / lambda.
        let expected = 0.2 * 0.01 / (2.0 * preset.data.train as f64);
        assert!((preset.train.learning_rate - expected).abs() < 1e-15 * expected);
        toggle_optimizer(&mut preset);
        assert!((preset.train.learning_rate - 0.2).abs() < 1e-12);
    }

    #[test]
    fn optimizer_langevin_gets_positive_temperature() {
        let mut preset = sample_preset();
        preset.train.optimizer = Optimizer::Gd;
        preset.train.temperature = 0.0;
        let outcome = toggle_optimizer(&mut preset);
        assert_eq!(preset.train.temperature, FALLBACK_TEMPERATURE);
        let EditOutcome::Changed(message) = outcome else {
            panic!("toggle rejected: {outcome:?}");
        };
        assert!(
            message.starts_with("optimizer gd -> langevin (temperature T0 set to 0.01), η0 "),
            "{message}"
        );
        // A positive temperature is kept.
        preset.train.optimizer = Optimizer::Gd;
        preset.train.temperature = 0.5;
        toggle_optimizer(&mut preset);
        assert_eq!(preset.train.temperature, 0.5);
    }

    #[test]
    fn learning_rate_scales_within_bounds() {
        let mut preset = sample_preset();
        preset.train.learning_rate = 0.5;
        scale_learning_rate(&mut preset, 2.0);
        assert_eq!(preset.train.learning_rate, 1.0);
        scale_learning_rate(&mut preset, 0.5);
        scale_learning_rate(&mut preset, 0.5);
        assert_eq!(preset.train.learning_rate, 0.25);
        preset.train.learning_rate = LEARNING_RATE_RANGE.0;
        assert!(matches!(
            scale_learning_rate(&mut preset, 0.5),
            EditOutcome::Rejected(_)
        ));
        assert_eq!(preset.train.learning_rate, LEARNING_RATE_RANGE.0);
    }

    #[test]
    fn number_format_is_compact() {
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(2.0), "2");
        assert_eq!(format_number(0.125), "0.125");
        assert_eq!(format_number(64.0), "64");
        assert_eq!(format_number(90.509_667), "90.51");
        assert_eq!(format_number(1024.0), "1024");
        assert_eq!(format_number(0.001_234_56), "0.001235");
        assert_eq!(format_number(1.0e-6), "1.000e-6");
    }
}
