//! Turns a parsed preset into the validated [`Preset`], filling in defaults
//! and applying the rules.

use super::document::Document;
use super::error::PresetError;
use super::fields::Field;
use super::rules;
use super::types::{Activation, ModelConfig, Optimizer, Preset, Scaling, SweepConfig, TrainConfig};
use super::validate_data::{DataFolder, validate_data};

/// Input range of the 1-D generators when a preset sets none.
pub const DEFAULT_X_MIN: f64 = -3.0;
pub const DEFAULT_X_MAX: f64 = 3.0;

/// Validates every setting of `document`. `default_name` is the preset name
/// when the file sets none.
/// `folder` is where the data paths of `kind = "csv"` are resolved.
pub(crate) fn validate(
    document: &Document,
    default_name: &str,
    folder: &DataFolder,
) -> Result<Preset, PresetError> {
    let name = document
        .text("name")?
        .map_or(default_name.to_string(), |field| field.value);
    let description = document.text("description")?.map(|field| field.value);
    let data = validate_data(document, folder)?;
    let model = validate_model(document)?;
    let train = validate_train(document)?;
    let sweep = validate_sweep(document)?;
    Ok(Preset {
        name,
        description: description.unwrap_or_default(),
        data,
        model,
        train,
        sweep,
    })
}

fn validate_model(document: &Document) -> Result<ModelConfig, PresetError> {
    let defaults = ModelConfig::default();
    Ok(ModelConfig {
        width: integer(document.integer("model.width")?, defaults.width)?,
        depth: integer(document.integer("model.depth")?, defaults.depth)?,
        activation: choice(
            document.text("model.activation")?,
            &Activation::ALL,
            Activation::name,
            defaults.activation,
        )?,
        sigma_w: number(document.number("model.sigma_w")?.as_ref(), defaults.sigma_w)?,
        sigma_b: number(document.number("model.sigma_b")?.as_ref(), defaults.sigma_b)?,
        sigma_a: number(document.number("model.sigma_a")?.as_ref(), defaults.sigma_a)?,
        scaling: choice(
            document.text("model.scaling")?,
            &Scaling::ALL,
            Scaling::name,
            defaults.scaling,
        )?,
        gamma0: number(document.number("model.gamma0")?.as_ref(), defaults.gamma0)?,
        center: document
            .boolean("model.center")?
            .map_or(defaults.center, |field| field.value),
    })
}

/// Default `eta0` of a Langevin run: half the stability limit `T0 /
/// lambda_max` of the 1-D presets at the default temperature 0.01.
pub const DEFAULT_LANGEVIN_LEARNING_RATE: f64 = 1e-4;

fn validate_train(document: &Document) -> Result<TrainConfig, PresetError> {
    let defaults = TrainConfig::default();
    let optimizer = choice(
        document.text("train.optimizer")?,
        &Optimizer::ALL,
        Optimizer::name,
        defaults.optimizer,
    )?;
    let temperature_field = document.number("train.temperature")?;
    let temperature = number(temperature_field.as_ref(), defaults.temperature)?;
    rules::check_langevin_temperature(temperature_field.as_ref(), optimizer)?;

    // Langevin's step is bounded by T0 / lambda_max rather than GD's
    // 2P / lambda_max, so it gets its own default.
    let default_rate = match optimizer {
        Optimizer::Gd => defaults.learning_rate,
        Optimizer::Langevin => DEFAULT_LANGEVIN_LEARNING_RATE,
    };
    Ok(TrainConfig {
        optimizer,
        learning_rate: number(
            document.number("train.learning_rate")?.as_ref(),
            default_rate,
        )?,
        temperature,
        burn_in: integer(document.integer("train.burn_in")?, defaults.burn_in)?,
        steps: integer(document.integer("train.steps")?, defaults.steps)?,
        log_every: integer(document.integer("train.log_every")?, defaults.log_every)?,
        seed: integer(document.integer("train.seed")?, defaults.seed)?,
    })
}

fn validate_sweep(document: &Document) -> Result<SweepConfig, PresetError> {
    let defaults = SweepConfig::default();
    let grid = document
        .texts("sweep.grid")?
        .map(|field| field.value.into_iter().map(|entry| entry.value).collect())
        .unwrap_or(defaults.grid);
    Ok(SweepConfig {
        grid,
        seeds: integer(document.integer("sweep.seeds")?, defaults.seeds)?,
    })
}

/// Checks a float setting, or returns `default` when it is absent.
pub(super) fn number(field: Option<&Field<f64>>, default: f64) -> Result<f64, PresetError> {
    let Some(field) = field else {
        return Ok(default);
    };
    rules::check_finite(field)?;
    rules::check_lower_bound(field)?;
    Ok(field.value)
}

/// Checks an integer setting, or returns `default` when it is absent.
pub(super) fn integer<T: TryFrom<i128>>(
    field: Option<Field<i128>>,
    default: T,
) -> Result<T, PresetError> {
    match field {
        Some(field) => rules::to_integer(&field),
        None => Ok(default),
    }
}

/// Checks a named setting, or returns `default` when it is absent.
pub(super) fn choice<T: Copy>(
    field: Option<Field<String>>,
    variants: &[T],
    name: fn(T) -> &'static str,
    default: T,
) -> Result<T, PresetError> {
    match field {
        Some(field) => rules::to_choice(&field, variants, name),
        None => Ok(default),
    }
}

/// Returns advice about settings that are valid but probably unintended.
///
/// * `sigma_b = 0` with 1-D inputs makes every pre-activation proportional
///   to `x`, so every relu kink sits at `x = 0`.
/// * `center = true` has no effect on Langevin, which samples the uncentred
///   network.
pub fn preset_warnings(preset: &Preset) -> Vec<String> {
    let mut warnings = Vec::new();
    if preset.data.kind.is_one_dimensional() && preset.model.sigma_b == 0.0 {
        warnings.push(
            "model.sigma_b = 0 with 1-D data: every pre-activation is proportional to x, so \
             every relu kink sits at x = 0. Set model.sigma_b > 0 to spread them"
                .to_string(),
        );
    }
    if preset.model.center && preset.train.optimizer == Optimizer::Langevin {
        warnings.push(
            "model.center = true has no effect with train.optimizer = \"langevin\", which \
             samples the uncentred network"
                .to_string(),
        );
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::parse_preset;

    const BASE: &str = "[data]\nkind = \"sine-1d\"\ntrain = 8\ntest = 20\n";

    fn warnings(overrides: &[&str]) -> Vec<String> {
        let overrides: Vec<String> = overrides.iter().map(|text| text.to_string()).collect();
        let preset = parse_preset(BASE, "p.toml", &overrides).expect("valid preset");
        preset_warnings(&preset)
    }

    #[test]
    fn no_warnings_for_defaults() {
        assert_eq!(warnings(&[]), Vec::<String>::new());
    }

    #[test]
    fn zero_bias_on_1d_warns() {
        let found = warnings(&["model.sigma_b=0"]);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("model.sigma_b = 0"));
    }

    #[test]
    fn zero_bias_on_digits_is_quiet() {
        let found = warnings(&["data.kind=digits", "model.sigma_b=0"]);
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn center_with_langevin_warns() {
        let found = warnings(&["model.center=true", "train.optimizer=langevin"]);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("model.center = true"));
    }
}
