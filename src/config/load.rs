//! Finding presets by name or path: the bundled ones and the user folder.

use std::path::{Path, PathBuf};

use super::bundled::{bundled_preset_names, bundled_source, bundled_text};
use super::compare::{CompareRun, resolve};
use super::document::Document;
use super::error::{Location, PresetError, PresetErrorKind};
use super::suggest::closest;
use super::types::Preset;
use super::validate::validate;
use super::validate_data::DataFolder;

/// A preset that `load_preset` can find by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetEntry {
    pub name: String,
    /// One-line description. For a user file that fails to load, this is
    /// the error message instead.
    pub description: String,
    /// `"bundled"`, or the path of the user's preset file.
    pub source: String,
}

/// A validated preset with the runs of its `[[compare]]` tables.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedPreset {
    pub preset: Preset,
    /// Empty when the preset lists no compare runs.
    pub compare: Vec<CompareRun>,
}

/// Parses and validates preset text, with its compare runs.
///
/// `source` names the file in error messages, and its file stem is the
/// preset name unless the file sets `name`. Each `overrides` entry has the
/// form `section.key=value` and replaces the file's value before
/// validation, so it gets the same checks. The overrides apply to every
/// compare run too, before the run's own `set` list.
///
/// A relative `data.path` is resolved against the folder of `source`.
pub fn parse_preset_runs(
    text: &str,
    source: &str,
    overrides: &[String],
) -> Result<LoadedPreset, PresetError> {
    parse_preset_runs_in(text, source, overrides, &DataFolder::of_file(source))
}

fn parse_preset_runs_in(
    text: &str,
    source: &str,
    overrides: &[String],
    folder: &DataFolder,
) -> Result<LoadedPreset, PresetError> {
    let mut document = Document::parse(text, source)?;
    for argument in overrides {
        document.apply_override(argument)?;
    }
    let stem = Path::new(source)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let preset = validate(&document, &stem, folder)?;
    let compare = document
        .compare_entries()
        .iter()
        .map(|entry| resolve(&document, entry, &stem, folder))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(LoadedPreset { preset, compare })
}

/// Parses and validates preset text; see [`parse_preset_runs`], whose
/// checks of the compare runs apply here too.
pub fn parse_preset(text: &str, source: &str, overrides: &[String]) -> Result<Preset, PresetError> {
    parse_preset_runs(text, source, overrides).map(|loaded| loaded.preset)
}

/// Loads a preset from a file path or by name.
///
/// An existing file, or any argument ending in `.toml`, is read from disk.
/// Otherwise the name is looked up in the user folder (see
/// [`user_preset_dir`]) and then among the bundled presets. An unknown name
/// gives an error that lists the available names.
pub fn load_preset(name_or_path: &str, overrides: &[String]) -> Result<Preset, PresetError> {
    load_preset_runs(name_or_path, overrides).map(|loaded| loaded.preset)
}

/// Loads a preset as [`load_preset`] does, with its compare runs.
pub fn load_preset_runs(
    name_or_path: &str,
    overrides: &[String],
) -> Result<LoadedPreset, PresetError> {
    load_preset_from(name_or_path, overrides, user_preset_dir().as_deref())
}

/// Lists the bundled presets in display order, then the user's presets
/// sorted by file name. A user preset named like a bundled one appears
/// twice here, and `load_preset` picks the user's file.
pub fn list_presets() -> Vec<PresetEntry> {
    list_presets_from(user_preset_dir().as_deref())
}

/// Returns the folder of the user's own presets: `$LAZYRICH_PRESETS` if set, else
/// `$XDG_CONFIG_HOME/lazyrich/presets`, else `~/.config/lazyrich/presets`.
/// Returns `None` when none of these variables is set.
pub fn user_preset_dir() -> Option<PathBuf> {
    user_preset_dir_from(|variable| std::env::var_os(variable))
}

fn user_preset_dir_from(variable: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let set = |name: &str| variable(name).filter(|value| !value.is_empty());
    if let Some(folder) = set("LAZYRICH_PRESETS") {
        return Some(PathBuf::from(folder));
    }
    if let Some(config) = set("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(config).join("lazyrich").join("presets"));
    }
    let home = set("HOME")?;
    Some(PathBuf::from(home).join(".config/lazyrich/presets"))
}

pub(crate) fn load_preset_from(
    name_or_path: &str,
    overrides: &[String],
    user_dir: Option<&Path>,
) -> Result<LoadedPreset, PresetError> {
    let path = Path::new(name_or_path);
    if path.is_file() || name_or_path.ends_with(".toml") {
        return load_file(path, overrides);
    }
    if let Some(file) = user_file(name_or_path, user_dir) {
        return load_file(&file, overrides);
    }
    if let Some(text) = bundled_text(name_or_path) {
        let source = bundled_source(name_or_path);
        return parse_preset_runs_in(text, &source, overrides, &DataFolder::Bundled);
    }
    Err(unknown_preset(name_or_path, user_dir))
}

fn load_file(path: &Path, overrides: &[String]) -> Result<LoadedPreset, PresetError> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| {
        let message = format!("failed to read preset file: {error}");
        PresetError::new(
            PresetErrorKind::Io,
            Location::Source(source.clone()),
            message,
        )
    })?;
    parse_preset_runs(&text, &source, overrides)
}

/// Returns `<user_dir>/<name>.toml` if it is a file. Names with a path
/// separator are not looked up, so a name cannot point outside the folder.
fn user_file(name: &str, user_dir: Option<&Path>) -> Option<PathBuf> {
    if name.contains(['/', '\\']) {
        return None;
    }
    let file = user_dir?.join(format!("{name}.toml"));
    file.is_file().then_some(file)
}

/// Returns the `.toml` files in the user folder, sorted by name. A missing
/// or unreadable folder has no presets.
fn user_files(user_dir: Option<&Path>) -> Vec<PathBuf> {
    let Some(entries) = user_dir.and_then(|dir| std::fs::read_dir(dir).ok()) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub(crate) fn list_presets_from(user_dir: Option<&Path>) -> Vec<PresetEntry> {
    let mut entries = Vec::new();
    for name in bundled_preset_names() {
        let loaded = load_preset_from(name, &[], None);
        entries.push(entry(name.to_string(), "bundled".to_string(), loaded));
    }
    for file in user_files(user_dir) {
        let loaded = load_file(&file, &[]);
        entries.push(entry(file_stem(&file), file.display().to_string(), loaded));
    }
    entries
}

fn entry(name: String, source: String, loaded: Result<LoadedPreset, PresetError>) -> PresetEntry {
    let description = match loaded {
        Ok(loaded) => loaded.preset.description,
        Err(error) => format!("invalid preset: {error}"),
    };
    PresetEntry {
        name,
        description,
        source,
    }
}

fn unknown_preset(name: &str, user_dir: Option<&Path>) -> PresetError {
    let mut names: Vec<String> = bundled_preset_names()
        .into_iter()
        .map(String::from)
        .collect();
    for file in user_files(user_dir) {
        let stem = file_stem(&file);
        if !names.contains(&stem) {
            names.push(stem);
        }
    }

    let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut message = format!("unknown preset `{name}`");
    match closest(name, &candidates) {
        Some(suggestion) => message.push_str(&format!(": did you mean `{suggestion}`?")),
        None => message.push('.'),
    }
    message.push_str(&format!(
        " Available presets: {}. A path ending in .toml loads a file",
        candidates.join(", ")
    ));
    PresetError::new(
        PresetErrorKind::UnknownPreset,
        Location::Unspecified,
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    const USER_PRESET: &str =
        "description = \"mine\"\n[data]\nkind = \"abs-1d\"\ntrain = 4\ntest = 9\n";

    fn user_folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let folder = tempfile::tempdir().expect("temporary folder");
        for (name, text) in files {
            std::fs::write(folder.path().join(name), text).expect("write preset");
        }
        folder
    }

    fn environment(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, OsString)> = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), OsString::from(value)))
            .collect();
        move |variable| {
            pairs
                .iter()
                .find(|(name, _)| name == variable)
                .map(|(_, value)| value.clone())
        }
    }

    #[test]
    fn user_dir_prefers_lazyrich_presets() {
        let lookup = environment(&[
            ("LAZYRICH_PRESETS", "/p"),
            ("XDG_CONFIG_HOME", "/x"),
            ("HOME", "/h"),
        ]);
        assert_eq!(user_preset_dir_from(lookup), Some(PathBuf::from("/p")));
    }

    #[test]
    fn user_dir_falls_back_to_xdg() {
        let lookup = environment(&[("LAZYRICH_PRESETS", ""), ("XDG_CONFIG_HOME", "/x")]);
        let expected = PathBuf::from("/x/lazyrich/presets");
        assert_eq!(user_preset_dir_from(lookup), Some(expected));
    }

    #[test]
    fn user_dir_falls_back_to_home() {
        let lookup = environment(&[("HOME", "/h")]);
        let expected = PathBuf::from("/h/.config/lazyrich/presets");
        assert_eq!(user_preset_dir_from(lookup), Some(expected));
        assert_eq!(user_preset_dir_from(environment(&[])), None);
    }

    #[test]
    fn load_user_preset_by_name() {
        let folder = user_folder(&[("mine.toml", USER_PRESET)]);
        let preset = load_preset_from("mine", &[], Some(folder.path()))
            .expect("user preset")
            .preset;
        assert_eq!(preset.name, "mine");
        assert_eq!(preset.description, "mine");
    }

    #[test]
    fn user_preset_shadows_bundled() {
        let folder = user_folder(&[("digits.toml", USER_PRESET)]);
        let preset = load_preset_from("digits", &[], Some(folder.path()))
            .expect("user preset")
            .preset;
        assert_eq!(preset.description, "mine");
    }

    #[test]
    fn load_file_by_path() {
        let folder = user_folder(&[("file.toml", USER_PRESET)]);
        let path = folder.path().join("file.toml");
        let path = path.to_str().expect("UTF-8 temporary path");
        let preset = load_preset_from(path, &["data.train=5".into()], None)
            .expect("file")
            .preset;
        assert_eq!(preset.data.train, 5);
        assert_eq!(preset.name, "file");
    }

    #[test]
    fn file_error_names_path_and_position() {
        let folder = user_folder(&[("bad.toml", "[model]\nwidth = 0\n")]);
        let path = folder.path().join("bad.toml");
        let error = load_preset_from("bad", &[], Some(folder.path())).expect_err("invalid");
        let prefix = format!("{}:", path.display());
        assert!(error.to_string().starts_with(&prefix), "{error}");
    }

    #[test]
    fn unknown_name_lists_user_presets() {
        let folder = user_folder(&[("mine.toml", USER_PRESET)]);
        let error = load_preset_from("mien", &[], Some(folder.path())).expect_err("unknown");
        assert!(error.message.contains("did you mean `mine`?"), "{error}");
        assert!(error.message.contains("digits-size, mine"), "{error}");
    }

    #[test]
    fn list_appends_user_presets() {
        let folder = user_folder(&[
            ("b.toml", USER_PRESET),
            ("a.toml", "[data]\n"),
            ("notes.txt", "not a preset"),
        ]);
        let entries = list_presets_from(Some(folder.path()));
        let names: Vec<&str> = entries.iter().map(|entry| entry.name.as_str()).collect();
        let bundled = bundled_preset_names().len();
        assert_eq!(names[..bundled], bundled_preset_names()[..]);
        assert_eq!(names[bundled..], ["a", "b"]);
        assert!(entries[bundled].description.starts_with("invalid preset: "));
        assert_eq!(entries[bundled + 1].description, "mine");
        assert!(entries[bundled + 1].source.ends_with("b.toml"));
    }
}
