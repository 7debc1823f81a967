//! Timestamped export folders such as `lazyrich-export-20261204-183012`.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::ExportError;

/// Exports tried in one second before giving up: `name`, `name-2`, ...
const MAX_SAME_SECOND: u32 = 100;

/// Returns the folder name for an export at `time`, in UTC:
/// `lazyrich-export-YYYYMMDD-HHMMSS`. Times before 1970 use 1970-01-01.
pub fn export_folder_name(time: SystemTime) -> String {
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let days = seconds / 86_400;
    let of_day = seconds % 86_400;
    let (year, month, day) = civil_date(days);
    format!(
        "lazyrich-export-{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// Converts days since 1970-01-01 to a Gregorian (year, month, day) by
/// counting whole years, then whole months.
fn civil_date(mut days: u64) -> (u64, u64, u64) {
    let is_leap = |year: u64| {
        (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
    };
    let mut year = 1970;
    loop {
        let length = if is_leap(year) { 366 } else { 365 };
        if days < length {
            break;
        }
        days -= length;
        year += 1;
    }
    let february = if is_leap(year) { 29 } else { 28 };
    let lengths = [31, february, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 1;
    for length in lengths {
        if days < length {
            break;
        }
        days -= length;
        month += 1;
    }
    (year, month, days + 1)
}

/// Creates a new, empty export folder for `time` under `parent` (created
/// if missing) and returns its path. When the name is taken, `-2`, `-3`
/// and so on are appended, so an export never writes into an older one.
pub fn create_export_folder(parent: &Path, time: SystemTime) -> Result<PathBuf, ExportError> {
    std::fs::create_dir_all(parent).map_err(|source| ExportError::io(parent, source))?;
    let name = export_folder_name(time);
    for attempt in 1..=MAX_SAME_SECOND {
        let folder = if attempt == 1 {
            parent.join(&name)
        } else {
            parent.join(format!("{name}-{attempt}"))
        };
        match std::fs::create_dir(&folder) {
            Ok(()) => return Ok(folder),
            Err(error) if error.kind() == ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(ExportError::io(&folder, source)),
        }
    }
    let source = std::io::Error::new(
        ErrorKind::AlreadyExists,
        format!("{MAX_SAME_SECOND} export folders named {name} exist already"),
    );
    Err(ExportError::io(&parent.join(name), source))
}

/// Replaces every character but ASCII letters, digits, `-`, `_` and `.`
/// with `_`, so that a run label can name a folder. A name of dots alone
/// (`.`, `..`) becomes underscores, because it would name the current or
/// the parent folder.
pub fn file_safe(label: &str) -> String {
    let name: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.chars().all(|c| c == '.') {
        return "_".repeat(name.len());
    }
    name
}

/// Names one folder per label with [`file_safe`], adding `-2`, `-3`, ...
/// to a name that an earlier label already took (labels are distinct, but
/// `a b` and `a_b` both become `a_b`). Comparison ignores ASCII case, so
/// the folders stay distinct on case-insensitive file systems too. A name
/// ending in `.csv`, `.svg` or `.png` also gets a suffix, because the top
/// folder's own files (the index and the charts) end so.
pub fn run_folder_names(labels: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(labels.len());
    for label in labels {
        let base = file_safe(label);
        let is_taken = |name: &str| {
            let lower = name.to_ascii_lowercase();
            let file_like = [".csv", ".svg", ".png"].iter().any(|e| lower.ends_with(e));
            file_like || names.iter().any(|n| n.eq_ignore_ascii_case(name))
        };
        let mut name = base.clone();
        let mut suffix = 2;
        while is_taken(&name) {
            name = format!("{base}-{suffix}");
            suffix += 1;
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn folder_name_known_dates() {
        // Reference values from `date -u -d @SECONDS +%Y%m%d-%H%M%S`.
        let cases = [
            (0, "lazyrich-export-19700101-000000"),
            (951_782_400, "lazyrich-export-20000229-000000"),
            (1_709_251_199, "lazyrich-export-20240229-235959"),
            (1_796_409_012, "lazyrich-export-20261204-183012"),
            (4_102_444_800, "lazyrich-export-21000101-000000"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(export_folder_name(at(seconds)), expected, "{seconds}");
        }
    }

    #[test]
    fn folder_name_before_epoch() {
        let before = UNIX_EPOCH - Duration::from_secs(5);
        assert_eq!(
            export_folder_name(before),
            "lazyrich-export-19700101-000000"
        );
    }

    #[test]
    fn create_folder_adds_suffix_when_taken() {
        let parent = tempfile::tempdir().expect("temporary folder");
        let first = create_export_folder(parent.path(), at(0)).expect("first");
        let second = create_export_folder(parent.path(), at(0)).expect("second");
        assert!(first.ends_with("lazyrich-export-19700101-000000"));
        assert!(second.ends_with("lazyrich-export-19700101-000000-2"));
        assert!(second.is_dir());
    }

    #[test]
    fn create_folder_reports_unwritable_parent() {
        let parent = tempfile::tempdir().expect("temporary folder");
        let file = parent.path().join("not-a-folder");
        std::fs::write(&file, "x").expect("write file");
        let error = create_export_folder(&file, at(0)).expect_err("parent is a file");
        assert!(error.to_string().starts_with("cannot write "), "{error}");
    }

    #[test]
    fn file_safe_keeps_plain_labels() {
        assert_eq!(file_safe("mean-field_2.5"), "mean-field_2.5");
    }

    #[test]
    fn file_safe_replaces_separators() {
        assert_eq!(file_safe("a/b c"), "a_b_c");
        assert_eq!(file_safe("γ0=1"), "_0_1");
    }

    #[test]
    fn file_safe_rejects_dot_names() {
        assert_eq!(file_safe("."), "_");
        assert_eq!(file_safe(".."), "__");
        assert_eq!(file_safe("..a"), "..a");
    }
}
