//! Preset files: parsing, validation and the validated settings types.
//!
//! A preset goes through three stages, each in its own file. `document`
//! parses the TOML and the `--set` overrides into located values and rejects
//! unknown keys. `fields` checks the type of each value. `validate` fills in
//! defaults and applies the range and cross-field rules from `rules`.

mod bundled;
mod compare;
mod data_types;
mod document;
mod error;
mod fields;
mod load;
mod rules;
mod schema;
mod suggest;
pub mod types;
mod validate;
mod validate_data;

pub use bundled::{bundled_data_file, bundled_preset_names};
pub use compare::{COMPARE_RUNS, CompareRun};
pub use error::{Location, PresetError, PresetErrorKind};
pub use load::{
    LoadedPreset, PresetEntry, list_presets, load_preset, load_preset_runs, parse_preset,
    parse_preset_runs, user_preset_dir,
};
pub use types::{
    Activation, CsvConfig, CsvTarget, CsvTask, DataConfig, DataKind, Encoding, HeaderMode,
    ModelConfig, Optimizer, Preset, Scaling, SweepConfig, TeacherConfig, TrainConfig,
};
pub use validate::{DEFAULT_X_MAX, DEFAULT_X_MIN, preset_warnings};
