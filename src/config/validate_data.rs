//! Validation of the `[data]` section: the kind, the counts and the keys
//! that only some kinds accept.

use std::path::{Path, PathBuf};

use super::document::Document;
use super::error::PresetError;
use super::fields::Field;
use super::rules;
use super::types::{
    Activation, CsvConfig, CsvTarget, CsvTask, DataConfig, DataKind, Encoding, HeaderMode,
    TeacherConfig,
};
use super::validate::{DEFAULT_X_MAX, DEFAULT_X_MIN, choice, integer, number};

/// Base of the relative data paths of a preset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DataFolder {
    /// A folder on disk: the preset file's folder.
    Disk(PathBuf),
    /// The data files compiled into the binary, for a bundled preset.
    Bundled,
}

impl DataFolder {
    /// Returns the folder of the preset file `source` (the current folder
    /// for a bare file name).
    pub(crate) fn of_file(source: &str) -> Self {
        let parent = Path::new(source).parent().unwrap_or(Path::new(""));
        DataFolder::Disk(parent.to_path_buf())
    }
}

fn is_digits(kind: DataKind) -> bool {
    kind == DataKind::Digits
}

fn is_csv(kind: DataKind) -> bool {
    kind == DataKind::Csv
}

fn is_teacher(kind: DataKind) -> bool {
    kind == DataKind::Teacher
}

pub(super) fn validate_data(
    document: &Document,
    folder: &DataFolder,
) -> Result<DataConfig, PresetError> {
    let kind_field = document.require("data.kind", document.text("data.kind")?)?;
    let kind = rules::to_choice(&kind_field, &DataKind::ALL, DataKind::name)?;
    let train_field = document.require("data.train", document.integer("data.train")?)?;
    let train: usize = rules::to_integer(&train_field)?;
    let test = document.require("data.test", document.integer("data.test")?)?;
    let test: usize = rules::to_integer(&test)?;

    let x_min_field = document.number("data.x_min")?;
    let x_max_field = document.number("data.x_max")?;
    let classes_field = document.integers("data.classes")?;
    let one_dimensional = "the 1-D kinds";
    rules::check_applies_to_kind(
        x_min_field.as_ref(),
        kind,
        DataKind::is_one_dimensional,
        one_dimensional,
    )?;
    rules::check_applies_to_kind(
        x_max_field.as_ref(),
        kind,
        DataKind::is_one_dimensional,
        one_dimensional,
    )?;
    let digits = "data.kind = \"digits\"";
    rules::check_applies_to_kind(classes_field.as_ref(), kind, is_digits, digits)?;

    let x_min = number(x_min_field.as_ref(), DEFAULT_X_MIN)?;
    let x_max = number(x_max_field.as_ref(), DEFAULT_X_MAX)?;
    rules::check_x_order((x_min_field.as_ref(), x_min), (x_max_field.as_ref(), x_max))?;

    let classes = match &classes_field {
        Some(field) => rules::to_classes(field)?,
        None => (0..=9).collect(),
    };
    if kind == DataKind::Digits {
        rules::check_digit_rows(&train_field, test, &classes)?;
    }

    Ok(DataConfig {
        kind,
        train,
        test,
        noise: number(document.number("data.noise")?.as_ref(), 0.0)?,
        seed: integer(document.integer("data.seed")?, 0)?,
        x_min,
        x_max,
        classes,
        encoding: choice(
            document.text("data.encoding")?,
            &Encoding::ALL,
            Encoding::name,
            Encoding::OneHot,
        )?,
        csv: validate_csv(document, kind, folder)?,
        teacher: validate_teacher(document, kind)?,
    })
}

/// Checks the CSV keys. They are rejected for other kinds, and `data.path`
/// is required with `kind = "csv"`.
fn validate_csv(
    document: &Document,
    kind: DataKind,
    folder: &DataFolder,
) -> Result<Option<CsvConfig>, PresetError> {
    let path_field = document.text("data.path")?;
    let test_path_field = document.text("data.test_path")?;
    let target_field = document.any("data.target");
    let header_field = document.any("data.header");
    let task_field = document.text("data.task")?;
    let csv = "data.kind = \"csv\"";
    rules::check_applies_to_kind(path_field.as_ref(), kind, is_csv, csv)?;
    rules::check_applies_to_kind(test_path_field.as_ref(), kind, is_csv, csv)?;
    rules::check_applies_to_kind(target_field.as_ref(), kind, is_csv, csv)?;
    rules::check_applies_to_kind(header_field.as_ref(), kind, is_csv, csv)?;
    rules::check_applies_to_kind(task_field.as_ref(), kind, is_csv, csv)?;
    if kind != DataKind::Csv {
        return Ok(None);
    }

    let path_field = document.require("data.path", path_field)?;
    let target = match &target_field {
        Some(field) => rules::to_column(field)?,
        None => CsvTarget::Last,
    };
    let header = match &header_field {
        Some(field) => rules::to_header(field)?,
        None => HeaderMode::Auto,
    };
    Ok(Some(CsvConfig {
        path: resolve(&path_field, folder),
        test_path: test_path_field.map(|field| resolve(&field, folder)),
        target,
        header,
        task: choice(
            task_field,
            &CsvTask::ALL,
            CsvTask::name,
            CsvTask::Regression,
        )?,
        bundled: *folder == DataFolder::Bundled,
    }))
}

/// Resolves a relative data path against the preset's folder. Absolute
/// paths and the names of bundled files stay as written.
fn resolve(field: &Field<String>, folder: &DataFolder) -> String {
    match folder {
        DataFolder::Disk(parent) => parent.join(&field.value).display().to_string(),
        DataFolder::Bundled => field.value.clone(),
    }
}

/// Checks the teacher keys. They are rejected for other kinds.
fn validate_teacher(document: &Document, kind: DataKind) -> Result<TeacherConfig, PresetError> {
    let input_dim_field = document.integer("data.input_dim")?;
    let neurons_field = document.integer("data.teacher_neurons")?;
    let activation_field = document.text("data.teacher_activation")?;
    let teacher = "data.kind = \"teacher\"";
    rules::check_applies_to_kind(input_dim_field.as_ref(), kind, is_teacher, teacher)?;
    rules::check_applies_to_kind(neurons_field.as_ref(), kind, is_teacher, teacher)?;
    rules::check_applies_to_kind(activation_field.as_ref(), kind, is_teacher, teacher)?;

    let defaults = TeacherConfig::default();
    let input_dim = integer(input_dim_field, defaults.input_dim)?;
    rules::check_teacher_neurons(neurons_field.as_ref(), input_dim)?;
    Ok(TeacherConfig {
        input_dim,
        neurons: integer(neurons_field, defaults.neurons)?,
        activation: choice(
            activation_field,
            &Activation::ALL,
            Activation::name,
            defaults.activation,
        )?,
    })
}
